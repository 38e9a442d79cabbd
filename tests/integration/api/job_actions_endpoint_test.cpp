// POST /v6/jobs/cancel/, POST /v6/jobs/requeue/ and PATCH /v6/jobs/{id}/ over HTTP against a real
// PostgreSQL: what is stored for the leader, and every refusal.
#include <rapidjson/document.h>

#include "api_test_fixture.h"
#include "tests/integration/db/jobs_test_rows.h"

namespace scale::api::testing {
namespace {

constexpr const char* kJob =
    R"({"name": "render", "command": "echo hi", "resources": {"cpus": 1, "mem": 128}})";

class JobActionsEndpoint : public ApiTest {
 protected:
  void SetUp() override { start(); }

  long long submit() { return submit_job(kJob); }
  long long stored_actions() {
    return sql().exec("SELECT count(*) FROM job_bulk_action").integer(0, 0);
  }
  void expect_error(const HttpResult& response, int status, const std::string& expected) {
    EXPECT_EQ(response.status, status) << response.body;
    const auto doc = parse(response.body);
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("detail")) << response.body;
    EXPECT_NE(std::string(doc["detail"].GetString()).find(expected), std::string::npos)
        << response.body;
    EXPECT_EQ(response.header("Content-Type"), "application/json");
  }
  void expect_refused(const std::string& path, const std::string& body,
                      const std::string& expected) {
    expect_error(call("POST", path, body), 400, expected);
    EXPECT_EQ(stored_actions(), 0) << body;
  }
};

TEST_F(JobActionsEndpoint, BulkCancelAnswers202WithoutBodyAndStoresTheRequest) {
  // No leader at all: the request is an intent stored in PostgreSQL.
  const auto response =
      call("POST", "/v6/jobs/cancel/",
           R"({"job_ids": [4, 2], "status": "QUEUED", "started": "2026-01-01T00:00:00Z",)"
           R"( "ended": "2026-01-02T00:00:00Z"})");
  ASSERT_EQ(response.status, 202) << response.body;
  EXPECT_TRUE(response.body.empty()) << response.body;
  EXPECT_EQ(response.header("X-Scale-Replica"), "replica-a");
  db::Result row = sql().exec(
      "SELECT kind, job_ids::text, status, started = '2026-01-01T00:00:00Z',"
      " ended = '2026-01-02T00:00:00Z', priority IS NULL, done_at IS NULL FROM job_bulk_action");
  ASSERT_EQ(row.rows(), 1);
  EXPECT_EQ(row.text(0, 0), "CANCEL");
  EXPECT_EQ(row.text(0, 1), "{2,4}");
  EXPECT_EQ(row.text(0, 2), "QUEUED");
  for (int col = 3; col <= 6; ++col) EXPECT_TRUE(row.boolean(0, col)) << col;
}

TEST_F(JobActionsEndpoint, BulkRequeueAnswers202AndStoresThePriority) {
  const auto response =
      call("POST", "/v6/jobs/requeue/", R"({"status": "failed", "priority": 10})");
  ASSERT_EQ(response.status, 202) << response.body;
  db::Result row = sql().exec("SELECT kind, status, priority FROM job_bulk_action");
  ASSERT_EQ(row.rows(), 1);
  EXPECT_EQ(row.text(0, 0), "REQUEUE");
  EXPECT_EQ(row.text(0, 1), "FAILED");
  EXPECT_EQ(row.integer(0, 2), 10);
}

TEST_F(JobActionsEndpoint, BulkCancelRefusesInvalidBodiesNamingTheField) {
  const std::string path = "/v6/jobs/cancel/";
  expect_refused(path, "", "malformed JSON");
  expect_refused(path, "not json", "malformed JSON");
  expect_refused(path, "[1]", "must be a JSON object");
  expect_refused(path, "{}", "at least one filter is required");
  expect_refused(path, R"({"job_ids": []})", "job_ids must be a non-empty list");
  expect_refused(path, R"({"job_ids": [1, -2]})", "job_ids must be");
  expect_refused(path, R"({"job_ids": "1,2"})", "job_ids must be");
  expect_refused(path, R"({"status": true})", "status must be a string");
  expect_refused(path, R"({"status": "COMPLETED"})", "status must be QUEUED or RUNNING");
  expect_refused(path, R"({"started": "2026-01-01"})", "started must be an ISO-8601 datetime");
  expect_refused(path, R"({"ended": "2026-01-01T00:00:00"})", "ended must be an ISO-8601");
  expect_refused(path, R"({"started": "2026-02-01T00:00:00Z", "ended": "2026-01-01T00:00:00Z"})",
                 "started must not be after ended");
  expect_refused(path, R"({"status": "QUEUED", "priority": 1})", "unknown field \"priority\"");
  expect_refused(path, R"({"job_type_ids": [1]})", "unknown field \"job_type_ids\"");
  expect_refused(path, R"({"status": "QUEUED", "status": "QUEUED"})", "appears more than once");
  expect_error(get(path), 405, "allowed: POST");
}

TEST_F(JobActionsEndpoint, BulkRequeueRefusesInvalidBodiesNamingTheField) {
  const std::string path = "/v6/jobs/requeue/";
  expect_refused(path, "{}", "at least one filter is required");
  expect_refused(path, R"({"priority": 3})", "at least one filter is required");
  expect_refused(path, R"({"status": "QUEUED"})", "status must be FAILED or CANCELED");
  expect_refused(path, R"({"status": "FAILED", "priority": -1})", "priority must be");
  expect_refused(path, R"({"status": "FAILED", "priority": "high"})", "priority must be");
  expect_refused(path, R"({"job_ids": [1.5]})", "job_ids must be");
  expect_refused(path, R"({"ended": "tomorrow"})", "ended must be an ISO-8601");
  expect_refused(path, R"({"status": "FAILED", "max_tries": 3})", "unknown field \"max_tries\"");
}

TEST_F(JobActionsEndpoint, PatchChangesAQueuedJobsPriority) {
  const long long id = submit();
  const auto response = patch("/v6/jobs/" + std::to_string(id) + "/", R"({"priority": 5})");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto job = parse(response.body);
  EXPECT_EQ(job["id"].GetInt64(), id);
  EXPECT_EQ(job["priority"].GetInt(), 5);
  EXPECT_STREQ(job["status"].GetString(), "QUEUED");
  EXPECT_TRUE(job["executions"].IsArray());
  EXPECT_EQ(parse(get("/v6/jobs/" + std::to_string(id) + "/").body)["priority"].GetInt(), 5);
}

TEST_F(JobActionsEndpoint, PatchRefusesBadBodiesUnknownJobsAndJobsNotQueued) {
  const long long id = submit();
  const std::string path = "/v6/jobs/" + std::to_string(id) + "/";
  expect_error(patch(path, "{}"), 400, "no fields to update");
  expect_error(patch(path, R"({"priority": -1})"), 400, "priority must be an integer >= 0");
  expect_error(patch(path, R"({"priority": 2.5})"), 400, "priority must be an integer >= 0");
  expect_error(patch(path, R"({"priority": 1, "name": "x"})"), 400, "unknown field \"name\"");
  expect_error(patch(path, "{"), 400, "malformed JSON");
  expect_error(patch("/v6/jobs/987654/", R"({"priority": 1})"), 404, "job not found: 987654");
  expect_error(patch("/v6/jobs/abc/", R"({"priority": 1})"), 404, "job not found");
  db::testing::set_status(sql(), id, "RUNNING");
  expect_error(patch(path, R"({"priority": 1})"), 409, "is RUNNING");
  db::testing::set_status(sql(), id, "COMPLETED");
  expect_error(patch(path, R"({"priority": 1})"), 409, "only a QUEUED job");
  EXPECT_EQ(parse(get(path).body)["priority"].GetInt(), 100);  // nothing changed
}

class JobActionsWithToken : public JobActionsEndpoint {
 protected:
  void SetUp() override {
    start([](ServerOptions& o) { o.api_token = "s3cret"; });
  }

  int raw_post(const std::string& path, const std::string& body, const std::string& headers) {
    return raw_status(raw_exchange(
        options_.port, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
                           "Content-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body));
  }
};

TEST_F(JobActionsWithToken, MutatingCallsNeedTheBearerToken) {
  const std::string body = R"({"status": "QUEUED"})";
  EXPECT_EQ(raw_post("/v6/jobs/cancel/", body, ""), 401);
  EXPECT_EQ(raw_post("/v6/jobs/requeue/", R"({"status": "FAILED"})", ""), 401);
  EXPECT_EQ(raw_post("/v6/jobs/cancel/", body, "Authorization: Bearer wrong\r\n"), 403);
  EXPECT_EQ(stored_actions(), 0);
  EXPECT_EQ(raw_post("/v6/jobs/cancel/", body, "Authorization: Bearer s3cret\r\n"), 202);
  EXPECT_EQ(stored_actions(), 1);
  EXPECT_EQ(call("PATCH", "/v6/jobs/1/", R"({"priority": 1})").status, 401);
}

}  // namespace
}  // namespace scale::api::testing
