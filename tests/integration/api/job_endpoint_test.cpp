// POST /v6/jobs/, GET /v6/jobs/, GET /v6/jobs/{id}/, POST /v6/jobs/{id}/cancel/ over HTTP against a
// real PostgreSQL.
#include <rapidjson/document.h>

#include "api_test_fixture.h"
#include "db/job_store.h"
#include "tests/integration/db/jobs_test_rows.h"

namespace scale::api::testing {
namespace {

constexpr const char* kJob =
    R"({"name": "render", "command": "echo hi", "resources": {"cpus": 1, "mem": 128},
        "priority": 50, "max_tries": 2})";

class JobEndpoint : public ApiTest {
 protected:
  void SetUp() override { start(); }

  long long submit(const std::string& body = kJob) { return submit_job(body); }

  // A request that must fail with `status`, a JSON detail containing `expected`, and the
  // X-Scale headers.
  void expect_error(const HttpResult& response, int status, const std::string& expected) {
    EXPECT_EQ(response.status, status) << response.body;
    const auto doc = parse(response.body);
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("detail")) << response.body;
    EXPECT_NE(std::string(doc["detail"].GetString()).find(expected), std::string::npos)
        << response.body;
    EXPECT_EQ(response.header("Content-Type"), "application/json");
    EXPECT_EQ(response.header("X-Scale-Replica"), "replica-a");
    EXPECT_FALSE(response.header("X-Scale-Leader").empty());
  }
  void expect_submit_rejected(const std::string& body, const std::string& expected) {
    expect_error(call("POST", "/v6/jobs/", body), 400, expected);
    EXPECT_EQ(sql().exec("SELECT count(*) FROM job").integer(0, 0), 0) << body;
  }
};

TEST_F(JobEndpoint, SubmitAnswers201WithTheQueuedJob) {
  // No leader at all: the submission is an intent stored in PostgreSQL.
  const auto response = call("POST", "/v6/jobs/", kJob);
  ASSERT_EQ(response.status, 201) << response.body;
  const auto job = parse(response.body);
  const long long id = job["id"].GetInt64();
  EXPECT_EQ(response.header("Location"), "/v6/jobs/" + std::to_string(id) + "/");
  EXPECT_EQ(response.header("X-Scale-Replica"), "replica-a");
  EXPECT_STREQ(job["name"].GetString(), "render");
  EXPECT_STREQ(job["command"].GetString(), "echo hi");
  EXPECT_STREQ(job["status"].GetString(), "QUEUED");
  EXPECT_DOUBLE_EQ(job["resources"]["cpus"].GetDouble(), 1);
  EXPECT_DOUBLE_EQ(job["resources"]["mem"].GetDouble(), 128);
  EXPECT_DOUBLE_EQ(job["resources"]["disk"].GetDouble(), 0);
  EXPECT_DOUBLE_EQ(job["resources"]["gpus"].GetDouble(), 0);
  EXPECT_EQ(job["priority"].GetInt(), 50);
  EXPECT_EQ(job["max_tries"].GetInt(), 2);
  EXPECT_EQ(job["num_exes"].GetInt(), 0);
  EXPECT_FALSE(job["cancel_requested"].GetBool());
  EXPECT_TRUE(job["error"].IsNull());
  EXPECT_TRUE(job["queued"].IsString());
  EXPECT_TRUE(job["started"].IsNull());
  EXPECT_TRUE(job["executions"].IsArray());
  EXPECT_EQ(sql().exec("SELECT status FROM job WHERE id = $1", {std::to_string(id)}).text(0, 0),
            "QUEUED");
}

TEST_F(JobEndpoint, SubmitAppliesScaleDefaults) {
  const auto response =
      call("POST", "/v6/jobs/", R"({"name": "n", "command": "c", "resources": {"mem": 64}})");
  ASSERT_EQ(response.status, 201) << response.body;
  const auto job = parse(response.body);
  EXPECT_EQ(job["priority"].GetInt(), 100);
  EXPECT_EQ(job["max_tries"].GetInt(), 3);
}

TEST_F(JobEndpoint, SubmitRejectsMalformedAndIncompleteBodies) {
  expect_submit_rejected("", "malformed JSON");
  expect_submit_rejected("{\"name\": ", "malformed JSON");
  expect_submit_rejected("[]", "must be a JSON object");
  expect_submit_rejected("{}", "name is required");
  expect_submit_rejected(R"({"name": "n", "resources": {"cpus": 1}})", "command is required");
  expect_submit_rejected(R"({"name": "n", "command": "c"})", "resources is required");
  expect_submit_rejected(R"({"name": "n", "name": "m", "command": "c", "resources": {"cpus": 1}})",
                         "appears more than once");
}

TEST_F(JobEndpoint, SubmitRejectsUnknownFieldsWrongTypesAndRanges) {
  const std::string base = R"("name": "n", "command": "c", "resources": {"cpus": 1})";
  expect_submit_rejected("{" + base + R"(, "owner": "me"})", "unknown field \"owner\"");
  expect_submit_rejected(R"({"name": "n", "command": "c", "resources": {"cpus": 1, "ram": 4}})",
                         "unknown field \"ram\"");
  expect_submit_rejected(R"({"name": 5, "command": "c", "resources": {"cpus": 1}})",
                         "name must be a string");
  expect_submit_rejected(R"({"name": "", "command": "c", "resources": {"cpus": 1}})",
                         "name must not be empty");
  expect_submit_rejected(R"({"name": "n", "command": "c", "resources": {"cpus": "1"}})",
                         "resources.cpus must be a number");
  expect_submit_rejected(R"({"name": "n", "command": "c", "resources": {"cpus": -1}})",
                         "resources.cpus must be a number >= 0");
  expect_submit_rejected(R"({"name": "n", "command": "c", "resources": {"disk": 5}})",
                         "cpus > 0 or mem > 0");
  expect_submit_rejected(R"({"name": "n", "command": "c", "resources": 4})",
                         "resources must be an object");
  expect_submit_rejected("{" + base + R"(, "priority": 1.5})", "priority must be an integer");
  expect_submit_rejected("{" + base + R"(, "priority": -3})", "priority must be an integer >= 0");
  expect_submit_rejected("{" + base + R"(, "max_tries": 0})",
                         "max_tries must be an integer from 1");
  expect_submit_rejected("{" + base + R"(, "max_tries": true})", "max_tries must be an integer");
}

TEST_F(JobEndpoint, ListIsPaginatedNewestFirstWithLinks) {
  std::vector<long long> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(submit());
  auto response = get("/v6/jobs/?page_size=2");
  ASSERT_EQ(response.status, 200) << response.body;
  auto page = parse(response.body);
  EXPECT_EQ(page["count"].GetInt(), 5);
  EXPECT_STREQ(page["next"].GetString(), "/v6/jobs/?page=2&page_size=2");
  EXPECT_TRUE(page["previous"].IsNull());
  ASSERT_EQ(page["results"].Size(), 2u);
  EXPECT_EQ(page["results"][0]["id"].GetInt64(), ids[4]);
  EXPECT_FALSE(page["results"][0].HasMember("executions"));

  response = get(page["next"].GetString());
  page = parse(response.body);
  EXPECT_EQ(page["results"][0]["id"].GetInt64(), ids[2]);
  EXPECT_STREQ(page["previous"].GetString(), "/v6/jobs/?page=1&page_size=2");
  response = get("/v6/jobs/?page=3&page_size=2");
  page = parse(response.body);
  ASSERT_EQ(page["results"].Size(), 1u);
  EXPECT_TRUE(page["next"].IsNull());
  EXPECT_EQ(page["results"][0]["id"].GetInt64(), ids[0]);
}

TEST_F(JobEndpoint, ListFiltersByStatusRepeatedOrCommaSeparated) {
  const long long queued = submit();
  const long long running = submit();
  const long long done = submit();
  db::testing::set_status(sql(), running, "RUNNING");
  db::testing::set_status(sql(), done, "COMPLETED");
  auto page = parse(get("/v6/jobs/?status=running").body);
  ASSERT_EQ(page["count"].GetInt(), 1);
  EXPECT_EQ(page["results"][0]["id"].GetInt64(), running);
  page = parse(get("/v6/jobs/?status=QUEUED&status=COMPLETED").body);
  ASSERT_EQ(page["count"].GetInt(), 2);
  EXPECT_EQ(page["results"][0]["id"].GetInt64(), done);
  EXPECT_EQ(page["results"][1]["id"].GetInt64(), queued);
  page = parse(get("/v6/jobs/?status=QUEUED%2CRUNNING&page_size=1").body);
  EXPECT_EQ(page["count"].GetInt(), 2);
  EXPECT_STREQ(page["next"].GetString(),
               "/v6/jobs/?page=2&page_size=1&status=QUEUED&status=RUNNING");
}

TEST_F(JobEndpoint, ListRejectsBadQueryParameters) {
  submit();
  expect_error(get("/v6/jobs/?status=DONE"), 400, "status must be one of QUEUED");
  expect_error(get("/v6/jobs/?page=0"), 400, "page must be an integer >= 1");
  expect_error(get("/v6/jobs/?page=abc"), 400, "page must be an integer >= 1");
  expect_error(get("/v6/jobs/?page_size=-5"), 400, "page_size must be an integer >= 1");
  expect_error(get("/v6/jobs/?page=2"), 404, "Invalid page.");
  // Page 1 of nothing is an empty page, not an error; page_size is clamped to the maximum.
  const auto empty = parse(get("/v6/jobs/?status=FAILED&page_size=100000").body);
  EXPECT_EQ(empty["count"].GetInt(), 0);
  EXPECT_EQ(empty["results"].Size(), 0u);
}

TEST_F(JobEndpoint, GetShowsTheJobWithItsExecutions) {
  const long long id = submit();
  db::testing::set_status(sql(), id, "RUNNING");
  db::testing::add_execution(sql(), id, 1, "LOST");
  db::testing::add_execution(sql(), id, 2, "RUNNING");
  const auto response = get("/v6/jobs/" + std::to_string(id) + "/");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto job = parse(response.body);
  EXPECT_STREQ(job["status"].GetString(), "RUNNING");
  ASSERT_EQ(job["executions"].Size(), 2u);
  const auto& exe = job["executions"][1];
  EXPECT_EQ(exe["exe_num"].GetInt(), 2);
  EXPECT_EQ(exe["task_id"].GetString(), "scale_job_" + std::to_string(id) + "_2");
  EXPECT_STREQ(exe["state"].GetString(), "RUNNING");
  EXPECT_STREQ(exe["agent_id"].GetString(), "agent-1");
  EXPECT_EQ(exe["epoch"].GetInt64(), 7);
  EXPECT_TRUE(exe["launched"].IsString());
  EXPECT_TRUE(exe["exit_reason"].IsNull());
  EXPECT_EQ(get("/v6/jobs/" + std::to_string(id)).status, 200);  // trailing slash optional
}

TEST_F(JobEndpoint, GetOfAnUnknownOrNonNumericIdIs404) {
  expect_error(get("/v6/jobs/424242/"), 404, "job not found: 424242");
  expect_error(get("/v6/jobs/abc/"), 404, "job not found: abc");
  expect_error(get("/v6/jobs/-1/"), 404, "job not found");
  expect_error(get("/v6/jobs/99999999999999999999999/"), 404, "job not found");
  expect_error(call("DELETE", "/v6/jobs/1/"), 405, "not allowed");
}

TEST_F(JobEndpoint, CancelOfAQueuedJobCancelsIt) {
  const long long id = submit();
  const auto response = call("POST", "/v6/jobs/" + std::to_string(id) + "/cancel/");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto job = parse(response.body);
  EXPECT_STREQ(job["status"].GetString(), "CANCELED");
  EXPECT_TRUE(job["ended"].IsString());
  expect_error(call("POST", "/v6/jobs/" + std::to_string(id) + "/cancel/"), 409,
               "already CANCELED");
}

TEST_F(JobEndpoint, CancelOfARunningJobIsAcceptedForTheLeader) {
  const long long id = submit();
  db::testing::set_status(sql(), id, "RUNNING");
  const auto response = call("POST", "/v6/jobs/" + std::to_string(id) + "/cancel/", "{}");
  ASSERT_EQ(response.status, 202) << response.body;
  const auto job = parse(response.body);
  EXPECT_STREQ(job["status"].GetString(), "RUNNING");
  EXPECT_TRUE(job["cancel_requested"].GetBool());
  EXPECT_EQ(call("POST", "/v6/jobs/" + std::to_string(id) + "/cancel/").status, 202);
}

TEST_F(JobEndpoint, CancelOfAFinishedOrUnknownJobIsRefused) {
  const long long id = submit();
  db::testing::set_status(sql(), id, "COMPLETED");
  expect_error(call("POST", "/v6/jobs/" + std::to_string(id) + "/cancel/"), 409,
               "already COMPLETED");
  expect_error(call("POST", "/v6/jobs/777777/cancel/"), 404, "job not found");
  expect_error(call("POST", "/v6/jobs/x/cancel/"), 404, "job not found");
  expect_error(get("/v6/jobs/1/cancel/"), 405, "allowed: POST");
}

}  // namespace
}  // namespace scale::api::testing
