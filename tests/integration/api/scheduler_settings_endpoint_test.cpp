// GET and PATCH /v6/scheduler/ over HTTP against a real PostgreSQL.
#include "api_test_fixture.h"
#include "db/scheduler_settings_store.h"

namespace scale::api::testing {
namespace {

constexpr const char* kDefaults =
    R"({"is_paused":false,"num_message_handlers":1,"system_logging_level":"INFO","queue_mode":"FIFO"})";

class SchedulerSettingsEndpoint : public ApiTest {
 protected:
  void SetUp() override { start(); }

  // PATCH that must be refused with 400 and a detail containing `expected`, leaving the row alone.
  void expect_rejected(const std::string& body, const std::string& expected) {
    const auto response = patch("/v6/scheduler/", body);
    EXPECT_EQ(response.status, 400) << body << " -> " << response.body;
    EXPECT_NE(response.body.find("\"detail\""), std::string::npos) << response.body;
    EXPECT_NE(response.body.find(expected), std::string::npos) << body << " -> " << response.body;
    EXPECT_EQ(response.header("Content-Type"), "application/json");
    EXPECT_TRUE(same_json(get("/v6/scheduler/").body, kDefaults));
  }
};

TEST_F(SchedulerSettingsEndpoint, GetReturnsTheStoredSettings) {
  const auto response = get("/v6/scheduler/");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(same_json(response.body, kDefaults)) << response.body;
  EXPECT_EQ(response.header("Content-Type"), "application/json");
}

TEST_F(SchedulerSettingsEndpoint, PatchStoresNormalisedValuesAndAnswersAllSettings) {
  const auto response = patch("/v6/scheduler/",
                              R"({"is_paused": true, "queue_mode": "lifo",
                                  "system_logging_level": "debug", "num_message_handlers": 3})");
  ASSERT_EQ(response.status, 200) << response.body;
  const char* expected =
      R"({"is_paused":true,"num_message_handlers":3,"system_logging_level":"DEBUG","queue_mode":"LIFO"})";
  EXPECT_TRUE(same_json(response.body, expected)) << response.body;
  // Read back at once from this replica, and from the table itself.
  EXPECT_TRUE(same_json(get("/v6/scheduler/").body, expected));
  const auto stored = db::SchedulerSettingsStore::get(sql());
  EXPECT_TRUE(stored.is_paused);
  EXPECT_EQ(stored.num_message_handlers, 3);
  EXPECT_EQ(stored.system_logging_level, "DEBUG");
  EXPECT_EQ(stored.queue_mode, "LIFO");
}

TEST_F(SchedulerSettingsEndpoint, PatchOfOneFieldKeepsTheOthers) {
  ASSERT_EQ(patch("/v6/scheduler/", R"({"queue_mode": "LIFO"})").status, 200);
  const auto response = patch("/v6/scheduler/", R"({"is_paused": true})");
  EXPECT_TRUE(same_json(response.body, R"({"is_paused":true,"num_message_handlers":1,)"
                                       R"("system_logging_level":"INFO","queue_mode":"LIFO"})"))
      << response.body;
}

TEST_F(SchedulerSettingsEndpoint, RejectsMalformedJson) {
  expect_rejected("{\"is_paused\": ", "malformed JSON");
  expect_rejected("", "malformed JSON");
  expect_rejected("not json", "malformed JSON");
}

TEST_F(SchedulerSettingsEndpoint, RejectsNonObjectAndEmptyBodies) {
  expect_rejected("[]", "must be a JSON object");
  expect_rejected("true", "must be a JSON object");
  expect_rejected("{}", "no fields");
}

TEST_F(SchedulerSettingsEndpoint, RejectsUnknownFieldNamingIt) {
  expect_rejected(R"({"is_paused": true, "max_jobs": 4})", "unknown field \\\"max_jobs\\\"");
}

TEST_F(SchedulerSettingsEndpoint, RejectsBadTypesAndValues) {
  expect_rejected(R"({"is_paused": "yes"})", "is_paused must be a boolean");
  expect_rejected(R"({"num_message_handlers": "2"})", "num_message_handlers must be an integer");
  expect_rejected(R"({"num_message_handlers": 1.5})", "num_message_handlers must be an integer");
  expect_rejected(R"({"num_message_handlers": -1})", "from 0 to 1000");
  expect_rejected(R"({"num_message_handlers": 100000})", "from 0 to 1000");
  expect_rejected(R"({"system_logging_level": "LOUD"})", "system_logging_level must be one of");
  expect_rejected(R"({"queue_mode": "RANDOM"})", "queue_mode must be one of FIFO, LIFO");
  expect_rejected(R"({"queue_mode": null})", "queue_mode must be one of FIFO, LIFO");
}

TEST_F(SchedulerSettingsEndpoint, BodyOverTheLimitIs413) {
  // max_body_bytes is 4096 in these tests; the client sends Content-Length.
  const std::string body = R"({"queue_mode": "LIFO", "pad": ")" + std::string(5000, 'x') + "\"}";
  const auto response = patch("/v6/scheduler/", body);
  EXPECT_EQ(response.status, 413) << response.body;
  EXPECT_NE(response.body.find("larger than 4096 bytes"), std::string::npos) << response.body;
  EXPECT_FALSE(response.header("X-Scale-Replica").empty());
  EXPECT_TRUE(same_json(get("/v6/scheduler/").body, kDefaults));
}

TEST_F(SchedulerSettingsEndpoint, ChunkedBodyOverTheLimitIs413) {
  // No Content-Length to check up front: the size of what actually arrived decides.
  std::string request =
      "PATCH /v6/scheduler/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n";
  for (int i = 0; i < 5; ++i) request += "3e8\r\n" + std::string(1000, ' ') + "\r\n";
  request += "0\r\n\r\n";
  const auto answer = raw_exchange(options_.port, request);
  EXPECT_EQ(raw_status(answer), 413) << answer;
  EXPECT_NE(answer.find("X-Scale-Replica: replica-a"), std::string::npos) << answer;
}

TEST_F(SchedulerSettingsEndpoint, ChunkedBodyWithinTheLimitIsAccepted) {
  const std::string json = R"({"queue_mode": "lifo"})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", json.size());
  const std::string request =
      "PATCH /v6/scheduler/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n" +
      std::string(size) + "\r\n" + json + "\r\n0\r\n\r\n";
  const auto answer = raw_exchange(options_.port, request);
  EXPECT_EQ(raw_status(answer), 200) << answer;
  EXPECT_EQ(db::SchedulerSettingsStore::get(sql()).queue_mode, "LIFO");
}

class SchedulerSettingsNotify : public ApiTest {};

TEST_F(SchedulerSettingsNotify, ChangeByAnotherReplicaArrivesByNotify) {
  // With a one-minute poll, only the NOTIFY can bring the change within the deadline.
  start([](ServerOptions& options) { options.cache_refresh = 60s; });
  ASSERT_EQ(get("/v6/scheduler/").status, 200);
  db::SchedulerSettingsPatch change;
  change.is_paused = true;
  db::SchedulerSettingsStore::patch(sql(), change);
  EXPECT_TRUE(scale::test::wait_until(
      [&] { return get("/v6/scheduler/").body.find("\"is_paused\":true") != std::string::npos; },
      3s));
}

}  // namespace
}  // namespace scale::api::testing
