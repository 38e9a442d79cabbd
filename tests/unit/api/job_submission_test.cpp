#include "api/job_submission.h"

#include <gtest/gtest.h>

namespace scale::api {
namespace {

void expect_error(const std::string& body, const std::string& expected) {
  const auto result = parse_job_submission(body);
  EXPECT_FALSE(result.job) << body;
  EXPECT_NE(result.error.find(expected), std::string::npos) << body << " -> " << result.error;
}

TEST(JobSubmission, AcceptsAFullBody) {
  const auto result = parse_job_submission(
      R"({"name": "n", "command": "c", "resources": {"cpus": 0.5, "mem": 64, "disk": 10,
          "gpus": 1}, "priority": 7, "max_tries": 5})");
  ASSERT_TRUE(result.job) << result.error;
  EXPECT_EQ(result.job->name, "n");
  EXPECT_EQ(result.job->command, "c");
  EXPECT_DOUBLE_EQ(result.job->resources.cpus, 0.5);
  EXPECT_DOUBLE_EQ(result.job->resources.mem, 64);
  EXPECT_DOUBLE_EQ(result.job->resources.disk, 10);
  EXPECT_DOUBLE_EQ(result.job->resources.gpus, 1);
  EXPECT_EQ(result.job->priority, 7);
  EXPECT_EQ(result.job->max_tries, 5);
}

TEST(JobSubmission, DefaultsPriorityAndMaxTries) {
  const auto result =
      parse_job_submission(R"({"name": "n", "command": "c", "resources": {"cpus": 1}})");
  ASSERT_TRUE(result.job) << result.error;
  EXPECT_EQ(result.job->priority, 100);
  EXPECT_EQ(result.job->max_tries, 3);
  EXPECT_DOUBLE_EQ(result.job->resources.mem, 0);
}

TEST(JobSubmission, RejectsStructuralProblems) {
  expect_error("", "malformed JSON");
  expect_error("nul", "malformed JSON");
  expect_error(std::string(100000, '['), "malformed JSON");  // iterative parser: no stack overflow
  expect_error("\"job\"", "must be a JSON object");
  expect_error(R"({"command": "c", "resources": {"cpus": 1}})", "name is required");
  expect_error(R"({"name": "n", "command": "c", "resources": {"cpus": 1}, "name": "m"})",
               "\"name\" appears more than once");
  expect_error(R"({"name": "n", "command": "c", "resources": {"cpus": 1}, "x\u0001": 1})",
               "unknown field \"x?\"");
}

TEST(JobSubmission, RejectsWrongTypes) {
  const std::string rest = R"("command": "c", "resources": {"cpus": 1})";
  expect_error(R"({"name": null, )" + rest + "}", "name must be a string");
  expect_error(R"({"name": "n", "command": ["c"], "resources": {"cpus": 1}})",
               "command must be a string");
  expect_error(R"({"name": "n", "command": "c", "resources": {"cpus": true}})",
               "resources.cpus must be a number");
  expect_error(R"({"name": "n", "command": "c", "resources": [1]})", "resources must be an object");
  expect_error(R"({"name": "n", )" + rest + R"(, "priority": "1"})", "priority must be an integer");
  expect_error(R"({"name": "n", )" + rest + R"(, "priority": 3000000000})",
               "priority must be an integer");
  expect_error(R"({"name": "n", )" + rest + R"(, "max_tries": 2.5})",
               "max_tries must be an integer");
}

TEST(JobSubmission, RejectsValuesOutOfRange) {
  expect_error(R"({"name": "n", "command": "c", "resources": {"cpus": 0, "mem": 0}})",
               "cpus > 0 or mem > 0");
  expect_error(R"({"name": "n", "command": "c", "resources": {"cpus": 1, "gpus": -1}})",
               "resources.gpus must be a number >= 0");
  expect_error(R"({"name": "n", "command": "", "resources": {"cpus": 1}})",
               "command must not be empty");
  expect_error(
      R"({"name": ")" + std::string(300, 'a') + R"(", "command": "c", "resources": {"cpus": 1}})",
      "name must be at most 255 bytes");
  expect_error(R"({"name": "n", "command": "c", "resources": {"cpus": 1}, "max_tries": 101})",
               "from 1 to 100");
}

TEST(JobSubmission, ReadsTheTimeLimitAndTheKillGrace) {
  const std::string head = R"({"name": "n", "command": "c", "resources": {"cpus": 1})";
  const auto result = parse_job_submission(head + R"(, "timeout_s": 90, "kill_grace_s": 2.5})");
  ASSERT_TRUE(result.job) << result.error;
  EXPECT_EQ(result.job->timeout_s, 90.0);
  EXPECT_EQ(result.job->kill_grace_s, 2.5);
  const auto plain = parse_job_submission(head + "}");
  ASSERT_TRUE(plain.job) << plain.error;
  EXPECT_FALSE(plain.job->timeout_s);
  EXPECT_FALSE(plain.job->kill_grace_s);

  expect_error(head + R"(, "timeout_s": "90"})", "timeout_s must be a number of seconds");
  expect_error(head + R"(, "timeout_s": 0})", "timeout_s must be a number of seconds > 0");
  expect_error(head + R"(, "timeout_s": 1e9})", "at most 2592000");
  expect_error(head + R"(, "kill_grace_s": -1})",
               "kill_grace_s must be a number of seconds from 0");
  expect_error(head + R"(, "kill_grace_s": null})", "kill_grace_s must be a number of seconds");
}

// Found by the fuzzer (tests/fuzz): libpq sends text as C strings, so a NUL would cut the stored
// value; a lone surrogate escape decodes to bytes that are not UTF-8.
TEST(JobSubmission, RejectsNulCharactersAndLoneSurrogates) {
  expect_error(R"({"name": "\u0000x", "command": "c", "resources": {"cpus": 1}})", "NUL");
  expect_error(R"({"name": "n", "command": "a\u0000b", "resources": {"cpus": 1}})", "NUL");
  expect_error(R"({"name": "\udc00", "command": "c", "resources": {"cpus": 1}})", "surrogate");
  expect_error(R"({"name": "\ud800", "command": "c", "resources": {"cpus": 1}})", "surrogate");
  const auto pair =
      parse_job_submission(R"({"name": "\ud83d\ude00", "command": "c", "resources": {"cpus": 1}})");
  EXPECT_TRUE(pair.job) << pair.error;  // a valid surrogate pair is one character
}

}  // namespace
}  // namespace scale::api
