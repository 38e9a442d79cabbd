// GET /v6/nodes/, PATCH /v6/nodes/{id}/ and GET /v6/scheduler/queued-resources/ over HTTP against
// a real PostgreSQL.
#include <rapidjson/document.h>

#include "api_test_fixture.h"
#include "db/job_store.h"
#include "tests/integration/db/jobs_test_rows.h"

namespace scale::api::testing {
namespace {

class NodeEndpoint : public ApiTest {
 protected:
  void SetUp() override {
    start();
    node_ = db::testing::add_node(sql(), "agent-a", "host-a", 4, 8192);
    path_ = "/v6/nodes/" + std::to_string(node_) + "/";
  }

  void expect_patch_rejected(const std::string& body, int status, const std::string& expected,
                             const std::string& path = "") {
    const auto response = patch(path.empty() ? path_ : path, body);
    EXPECT_EQ(response.status, status) << body << " -> " << response.body;
    const auto doc = parse(response.body);
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("detail")) << response.body;
    EXPECT_NE(std::string(doc["detail"].GetString()).find(expected), std::string::npos)
        << body << " -> " << response.body;
    EXPECT_FALSE(response.header("X-Scale-Replica").empty());
    EXPECT_FALSE(sql().exec("SELECT is_paused FROM node").boolean(0, 0));
  }

  long long node_ = 0;
  std::string path_;
};

TEST_F(NodeEndpoint, ListShowsTheNodesInScalesPageShape) {
  db::testing::add_node(sql(), "agent-b", "host-b");
  const auto response = get("/v6/nodes/");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto page = parse(response.body);
  EXPECT_EQ(page["count"].GetInt(), 2);
  EXPECT_TRUE(page["next"].IsNull());
  EXPECT_TRUE(page["previous"].IsNull());
  ASSERT_EQ(page["results"].Size(), 2u);
  const auto& node = page["results"][0];
  EXPECT_EQ(node["id"].GetInt64(), node_);
  EXPECT_STREQ(node["hostname"].GetString(), "host-a");
  EXPECT_STREQ(node["agent_id"].GetString(), "agent-a");
  EXPECT_TRUE(node["is_active"].GetBool());
  EXPECT_FALSE(node["is_paused"].GetBool());
  EXPECT_TRUE(node["pause_reason"].IsNull());
  EXPECT_DOUBLE_EQ(node["resources"]["cpus"].GetDouble(), 4);
  EXPECT_DOUBLE_EQ(node["resources"]["mem"].GetDouble(), 8192);
  EXPECT_TRUE(node["created"].IsString());
  const auto second = parse(get("/v6/nodes/?page=2&page_size=1").body);
  EXPECT_STREQ(second["results"][0]["agent_id"].GetString(), "agent-b");
  EXPECT_EQ(get("/v6/nodes/?page=3&page_size=1").status, 404);
  EXPECT_EQ(get("/v6/nodes/?page_size=x").status, 400);
}

TEST_F(NodeEndpoint, PatchPausesWithAReasonAndResumeClearsIt) {
  auto response = patch(path_, R"({"is_paused": true, "pause_reason": "disk swap"})");
  ASSERT_EQ(response.status, 200) << response.body;
  auto node = parse(response.body);
  EXPECT_TRUE(node["is_paused"].GetBool());
  EXPECT_STREQ(node["pause_reason"].GetString(), "disk swap");
  EXPECT_TRUE(sql().exec("SELECT is_paused FROM node").boolean(0, 0));
  response = patch(path_, R"({"is_paused": false})");
  ASSERT_EQ(response.status, 200) << response.body;
  node = parse(response.body);
  EXPECT_FALSE(node["is_paused"].GetBool());
  EXPECT_TRUE(node["pause_reason"].IsNull());
}

TEST_F(NodeEndpoint, PatchRejectsBadBodies) {
  expect_patch_rejected("{}", 400, "no fields to update");
  expect_patch_rejected("", 400, "malformed JSON");
  expect_patch_rejected("[true]", 400, "must be a JSON object");
  expect_patch_rejected(R"({"is_paused": true, "hostname": "x"})", 400,
                        "unknown field \"hostname\"");
  expect_patch_rejected(R"({"is_paused": "yes"})", 400, "is_paused must be a boolean");
  expect_patch_rejected(R"({"is_paused": true, "pause_reason": 5})", 400,
                        "pause_reason must be a string");
  expect_patch_rejected(R"({"is_paused": false, "pause_reason": "x"})", 400,
                        "only accepted when pausing");
}

TEST_F(NodeEndpoint, PatchOfAnUnknownNodeIs404) {
  expect_patch_rejected(R"({"is_paused": true})", 404, "node not found: 999", "/v6/nodes/999/");
  expect_patch_rejected(R"({"is_paused": true})", 404, "node not found: abc", "/v6/nodes/abc/");
  EXPECT_EQ(call("DELETE", path_).status, 405);
}

class QueuedResourcesEndpoint : public ApiTest {
 protected:
  void SetUp() override { start(); }
};

TEST_F(QueuedResourcesEndpoint, AnswersScalesShape) {
  db::testing::set_cluster_resources(sql(), 8, 16384, 50000, 1);
  db::NewJob job;
  job.name = "j";
  job.command = "true";
  job.resources = db::Resources{2, 512, 0, 0};
  db::JobStore::submit(sql(), job);
  const long long running = db::JobStore::submit(sql(), job).id;
  db::testing::set_status(sql(), running, "RUNNING");
  db::JobStore::submit(sql(), job);
  const auto response = get("/v6/scheduler/queued-resources/");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(same_json(response.body, R"({
      "cluster_resources": {"cpus": 8.0, "mem": 16384.0, "disk": 50000.0, "gpus": 1.0},
      "queue_lengths": {"PENDING": 0, "QUEUED": 2, "RUNNING": 1},
      "total_resources": {
        "PENDING": {"cpus": 0.0, "mem": 0.0, "disk": 0.0, "gpus": 0.0},
        "QUEUED": {"cpus": 4.0, "mem": 1024.0, "disk": 0.0, "gpus": 0.0},
        "RUNNING": {"cpus": 2.0, "mem": 512.0, "disk": 0.0, "gpus": 0.0}}})"))
      << response.body;
  EXPECT_EQ(response.header("X-Scale-Replica"), "replica-a");
}

class JobsWithoutDatabase : public ApiTest {};

TEST_F(JobsWithoutDatabase, EveryEndpointAnswers503WhenPostgresIsDown) {
  scale::test::PostgresServer own;
  start_on(own);
  const long long node = db::testing::add_node(sql(), "agent-a", "host-a");
  own.stop();
  for (const auto& [method, path, body] :
       std::vector<std::tuple<std::string, std::string, std::optional<std::string>>>{
           {"POST", "/v6/jobs/", R"({"name": "n", "command": "c", "resources": {"cpus": 1}})"},
           {"GET", "/v6/jobs/", std::nullopt},
           {"GET", "/v6/jobs/1/", std::nullopt},
           {"POST", "/v6/jobs/1/cancel/", std::nullopt},
           {"GET", "/v6/nodes/", std::nullopt},
           {"PATCH", "/v6/nodes/" + std::to_string(node) + "/", R"({"is_paused": true})"},
           {"GET", "/v6/scheduler/queued-resources/", std::nullopt}}) {
    const auto response = call(method, path, body);
    EXPECT_EQ(response.status, 503) << method << " " << path << " -> " << response.body;
    EXPECT_NE(response.body.find("database unavailable"), std::string::npos) << response.body;
  }
}

}  // namespace
}  // namespace scale::api::testing
