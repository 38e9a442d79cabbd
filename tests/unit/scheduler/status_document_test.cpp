#include "scheduler/status_document.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace scale::scheduler {
namespace {

rapidjson::Document render(const StatusInputs& in) {
  rapidjson::Document doc;
  doc.Parse(render_status_document(in));
  EXPECT_FALSE(doc.HasParseError());
  return doc;
}

StatusInputs sample() {
  StatusInputs in;
  in.now = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764031421123));
  in.term_started = in.now - std::chrono::seconds(5);
  in.hostname = "box";
  in.leader_replica_id = "r1";
  in.leader_api_url = "http://127.0.0.1:8001";
  in.epoch = 42;
  in.replicas = {{"r1", "http://127.0.0.1:8001", "box", 10, true, "0.1.0", "S1", 1.25},
                 {"r2", "http://127.0.0.1:8002", "box", 11, false, "", "", std::nullopt}};
  return in;
}

TEST(Iso8601, RendersUtcWithMilliseconds) {
  EXPECT_EQ(
      iso8601_utc(std::chrono::system_clock::time_point(std::chrono::milliseconds(1764031421123))),
      "2025-11-25T00:43:41.123Z");
}

TEST(StatusDocument, HasScaleKeys) {
  auto doc = render(sample());
  for (const char* key :
       {"timestamp", "scheduler", "num_offers", "resources", "nodes", "cluster"}) {
    EXPECT_TRUE(doc.HasMember(key)) << key;
  }
  const auto& scheduler = doc["scheduler"];
  EXPECT_STREQ(scheduler["hostname"].GetString(), "box");
  EXPECT_TRUE(scheduler["mesos"].HasMember("framework_id"));
  EXPECT_TRUE(scheduler["mesos"].HasMember("master"));
  EXPECT_EQ(scheduler["metrics"].MemberCount(), 7u);
  EXPECT_DOUBLE_EQ(scheduler["metrics"]["tasks_launched_per_sec"].GetDouble(), 0.0);
  EXPECT_TRUE(scheduler["warnings"].IsArray());
  for (const char* resource : {"cpus", "mem", "disk", "gpus"}) {
    const auto& r = doc["resources"][resource];
    for (const char* column : {"running", "offered", "free", "unavailable", "total"}) {
      EXPECT_TRUE(r.HasMember(column)) << resource << "." << column;
    }
  }
}

TEST(StatusDocument, StateFollowsPause) {
  auto in = sample();
  EXPECT_STREQ(render(in)["scheduler"]["state"]["name"].GetString(), "READY");
  in.paused = true;
  EXPECT_STREQ(render(in)["scheduler"]["state"]["name"].GetString(), "PAUSED");
}

TEST(StatusDocument, ClusterSectionNamesLeaderEpochAndReplicas) {
  auto doc = render(sample());
  const auto& cluster = doc["cluster"];
  EXPECT_STREQ(cluster["leader"]["replica_id"].GetString(), "r1");
  EXPECT_EQ(cluster["epoch"].GetInt64(), 42);
  ASSERT_EQ(cluster["replicas"].Size(), 2u);
  EXPECT_STREQ(cluster["replicas"][0]["role"].GetString(), "leader");
  EXPECT_STREQ(cluster["replicas"][1]["role"].GetString(), "follower");
  EXPECT_STREQ(cluster["replicas"][0]["version"].GetString(), "0.1.0");
  EXPECT_STREQ(cluster["replicas"][0]["started"].GetString(), "S1");
  EXPECT_DOUBLE_EQ(cluster["replicas"][0]["heartbeat_age_s"].GetDouble(), 1.25);
  EXPECT_FALSE(cluster["replicas"][1].HasMember("heartbeat_age_s"));  // unknown: left out
}

TEST(StatusDocument, WarningsCarryTimes) {
  auto in = sample();
  in.warnings.push_back({"NO_MASTER", "No Mesos master", "d", "a", "b"});
  auto doc = render(in);
  const auto& warning = doc["scheduler"]["warnings"][0];
  EXPECT_STREQ(warning["name"].GetString(), "NO_MASTER");
  EXPECT_STREQ(warning["started"].GetString(), "a");
  EXPECT_STREQ(warning["last_updated"].GetString(), "b");
}

TEST(StatusDocument, RendersMetricsResourcesAndNodes) {
  auto in = sample();
  in.metrics = {1.5, 2, 3, 4, 5, 6, 7};
  in.num_offers = 3;
  in.resources[0] = {2, 6, 6, 0, 8};
  NodeStatus node;
  node.id = 7;
  node.hostname = "agent-1.sim";
  node.agent_id = "S1";
  node.is_paused = true;
  node.pause_reason = "maintenance";
  node.num_offers = 1;
  node.running_tasks = 4;
  node.completed_tasks = 9;
  node.failed_tasks = 2;
  node.resources[1] = {512, 1024, 0, 0, 2048};
  in.nodes.push_back(node);
  auto doc = render(in);
  EXPECT_DOUBLE_EQ(doc["scheduler"]["metrics"]["new_offers_per_sec"].GetDouble(), 1.5);
  EXPECT_DOUBLE_EQ(doc["scheduler"]["metrics"]["offers_launched_per_sec"].GetDouble(), 7);
  EXPECT_EQ(doc["num_offers"].GetInt64(), 3);
  EXPECT_DOUBLE_EQ(doc["resources"]["cpus"]["running"].GetDouble(), 2);
  EXPECT_DOUBLE_EQ(doc["resources"]["cpus"]["total"].GetDouble(), 8);
  ASSERT_EQ(doc["nodes"].Size(), 1u);
  const auto& n = doc["nodes"][0];
  EXPECT_EQ(n["id"].GetInt64(), 7);
  EXPECT_EQ(std::string(n["agent_id"].GetString()), "S1");
  EXPECT_EQ(std::string(n["state"]["name"].GetString()), "PAUSED");
  EXPECT_DOUBLE_EQ(n["resources"]["mem"]["offered"].GetDouble(), 1024);
  EXPECT_EQ(n["job_executions"]["running"]["total"].GetInt64(), 4);
  EXPECT_EQ(n["job_executions"]["completed"]["total"].GetInt64(), 9);
  EXPECT_EQ(n["job_executions"]["failed"]["total"].GetInt64(), 2);
}

}  // namespace
}  // namespace scale::scheduler
