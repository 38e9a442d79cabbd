#include "api/node_patch.h"

#include <gtest/gtest.h>

namespace scale::api {
namespace {

TEST(NodePatch, AcceptsPauseWithReasonResumeAndReasonAlone) {
  auto result = parse_node_patch(R"({"is_paused": true, "pause_reason": "maintenance"})");
  ASSERT_TRUE(result.patch) << result.error;
  EXPECT_EQ(result.patch->is_paused, true);
  EXPECT_EQ(result.patch->pause_reason, "maintenance");
  result = parse_node_patch(R"({"is_paused": false})");
  ASSERT_TRUE(result.patch) << result.error;
  EXPECT_EQ(result.patch->is_paused, false);
  EXPECT_FALSE(result.patch->pause_reason);
  result = parse_node_patch(R"({"pause_reason": "still maintenance"})");
  ASSERT_TRUE(result.patch) << result.error;
  EXPECT_FALSE(result.patch->is_paused);
}

TEST(NodePatch, RejectsInvalidBodies) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "malformed JSON"},
      {"[]", "must be a JSON object"},
      {"{}", "no fields to update"},
      {R"({"is_paused": 1})", "is_paused must be a boolean"},
      {R"({"pause_reason": null})", "pause_reason must be a string"},
      {R"({"pause_reason": ")" + std::string(1025, 'r') + "\"}", "at most 1024 bytes"},
      {R"({"is_active": false})", "unknown field \"is_active\""},
      {R"({"is_paused": true, "is_paused": false})", "appears more than once"},
      {R"({"is_paused": false, "pause_reason": "x"})", "only accepted when pausing"},
  };
  for (const auto& [body, expected] : cases) {
    const auto result = parse_node_patch(body);
    EXPECT_FALSE(result.patch) << body;
    EXPECT_NE(result.error.find(expected), std::string::npos) << body << " -> " << result.error;
  }
}

TEST(NodePatch, RejectsNulInThePauseReason) {
  const auto result = parse_node_patch(R"({"is_paused": true, "pause_reason": "a\u0000b"})");
  EXPECT_FALSE(result.patch);
  EXPECT_NE(result.error.find("NUL"), std::string::npos) << result.error;
}

}  // namespace
}  // namespace scale::api
