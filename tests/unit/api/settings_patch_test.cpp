#include "api/settings_patch.h"

#include <gtest/gtest.h>

namespace scale::api {
namespace {

db::SchedulerSettingsPatch valid(std::string_view body) {
  auto result = parse_settings_patch(body);
  EXPECT_TRUE(result.patch.has_value()) << body << " -> " << result.error;
  return result.patch.value_or(db::SchedulerSettingsPatch{});
}

std::string rejected(std::string_view body) {
  auto result = parse_settings_patch(body);
  EXPECT_FALSE(result.patch.has_value()) << body;
  EXPECT_FALSE(result.error.empty()) << body;
  return result.error;
}

TEST(SettingsPatch, AcceptsEachField) {
  EXPECT_EQ(valid(R"({"is_paused": true})").is_paused, true);
  EXPECT_EQ(valid(R"({"is_paused": false})").is_paused, false);
  EXPECT_EQ(valid(R"({"num_message_handlers": 0})").num_message_handlers, 0);
  EXPECT_EQ(valid(R"({"num_message_handlers": 1000})").num_message_handlers, 1000);
  EXPECT_EQ(valid(R"({"system_logging_level": "debug"})").system_logging_level, "DEBUG");
  EXPECT_EQ(valid(R"({"system_logging_level": "Critical"})").system_logging_level, "CRITICAL");
  EXPECT_EQ(valid(R"({"queue_mode": "lifo"})").queue_mode, "LIFO");
  EXPECT_EQ(valid(R"({"queue_mode": "FIFO"})").queue_mode, "FIFO");
}

TEST(SettingsPatch, UnsetFieldsStayUnset) {
  const auto patch = valid(R"({"queue_mode": "LIFO"})");
  EXPECT_FALSE(patch.is_paused);
  EXPECT_FALSE(patch.num_message_handlers);
  EXPECT_FALSE(patch.system_logging_level);
}

TEST(SettingsPatch, AcceptsAllFieldsTogether) {
  const auto patch = valid(
      R"({"is_paused": true, "num_message_handlers": 4, "system_logging_level": "warning",
          "queue_mode": "lifo"})");
  EXPECT_EQ(patch.is_paused, true);
  EXPECT_EQ(patch.num_message_handlers, 4);
  EXPECT_EQ(patch.system_logging_level, "WARNING");
  EXPECT_EQ(patch.queue_mode, "LIFO");
}

TEST(SettingsPatch, RejectsMalformedJson) {
  EXPECT_NE(rejected("").find("malformed JSON"), std::string::npos);
  EXPECT_NE(rejected("{").find("malformed JSON"), std::string::npos);
  EXPECT_NE(rejected(R"({"is_paused": tru})").find("malformed JSON"), std::string::npos);
  EXPECT_NE(rejected("{} trailing").find("malformed JSON"), std::string::npos);
  EXPECT_NE(rejected(std::string("{\"a\xff\": 1}")).find("malformed JSON"), std::string::npos);
  EXPECT_NE(rejected(R"({"num_message_handlers": 1e999})").find("malformed"), std::string::npos);
}

TEST(SettingsPatch, DeepNestingDoesNotOverflowTheStack) {
  rejected(std::string(1 << 20, '['));
  EXPECT_EQ(rejected(std::string(100000, '[') + std::string(100000, ']')),
            "body must be a JSON object");
}

TEST(SettingsPatch, RejectsNonObjects) {
  EXPECT_EQ(rejected("[]"), "body must be a JSON object");
  EXPECT_EQ(rejected("null"), "body must be a JSON object");
  EXPECT_EQ(rejected(R"("is_paused")"), "body must be a JSON object");
}

TEST(SettingsPatch, RejectsEmptyObject) {
  EXPECT_NE(rejected("{}").find("no fields"), std::string::npos);
}

TEST(SettingsPatch, RejectsUnknownFieldNamingIt) {
  const auto error = rejected(R"({"is_paused": true, "colour": "blue"})");
  EXPECT_NE(error.find("unknown field \"colour\""), std::string::npos) << error;
  EXPECT_NE(rejected(R"({"Is_Paused": true})").find("\"Is_Paused\""), std::string::npos);
  // Hostile key names are cut and made printable before they are echoed.
  const auto long_key = rejected("{\"" + std::string(5000, 'k') + "\": 1}");
  EXPECT_LT(long_key.size(), 300u);
}

TEST(SettingsPatch, RejectsRepeatedField) {
  EXPECT_NE(rejected(R"({"is_paused": true, "is_paused": false})").find("more than once"),
            std::string::npos);
}

TEST(SettingsPatch, RejectsWrongTypes) {
  EXPECT_EQ(rejected(R"({"is_paused": "true"})"), "is_paused must be a boolean");
  EXPECT_EQ(rejected(R"({"is_paused": 1})"), "is_paused must be a boolean");
  EXPECT_EQ(rejected(R"({"is_paused": null})"), "is_paused must be a boolean");
  for (const char* body :
       {R"({"num_message_handlers": "3"})", R"({"num_message_handlers": 2.5})",
        R"({"num_message_handlers": 3.0})", R"({"num_message_handlers": true})",
        R"({"num_message_handlers": null})", R"({"num_message_handlers": [1]})"}) {
    EXPECT_NE(rejected(body).find("num_message_handlers must be an integer"), std::string::npos)
        << body;
  }
  EXPECT_NE(rejected(R"({"queue_mode": 1})").find("queue_mode must be one of FIFO, LIFO"),
            std::string::npos);
  EXPECT_NE(rejected(R"({"system_logging_level": {}})").find("system_logging_level must be"),
            std::string::npos);
}

TEST(SettingsPatch, RejectsOutOfRangeValues) {
  for (const char* body : {R"({"num_message_handlers": -1})", R"({"num_message_handlers": 1001})",
                           R"({"num_message_handlers": 4294967296})",
                           R"({"num_message_handlers": 18446744073709551615})"}) {
    EXPECT_NE(rejected(body).find("from 0 to 1000"), std::string::npos) << body;
  }
  EXPECT_NE(rejected(R"({"queue_mode": "RANDOM"})").find("one of FIFO, LIFO"), std::string::npos);
  EXPECT_NE(rejected(R"({"queue_mode": ""})").find("one of FIFO, LIFO"), std::string::npos);
  EXPECT_NE(rejected(R"({"system_logging_level": "TRACE"})")
                .find("one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
            std::string::npos);
  EXPECT_NE(rejected(R"({"system_logging_level": "INFO "})").find("one of"), std::string::npos);
}

TEST(SettingsPatch, FirstInvalidFieldFailsTheWholePatch) {
  rejected(R"({"is_paused": true, "queue_mode": "RANDOM"})");
}

}  // namespace
}  // namespace scale::api
