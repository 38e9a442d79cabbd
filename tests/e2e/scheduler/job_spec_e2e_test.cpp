// A Scale job as an operator submits it, end to end on the emulator: POST /v6/jobs/ ->
// PostgreSQL -> queue -> the TaskInfo the master received (the emulator's journal keeps it as
// sent) -> what the API shows afterwards. One DOCKER job, one MESOS-container job, and an image
// the agent cannot pull.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>
#include <map>

#include "tests/e2e/scheduler/local_cluster.h"
#include "tests/e2e/scheduler/scheduling_checks.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;

class JobSpecE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LocalCluster::Options options;
    options.replicas = 2;
    options.mesos = LocalCluster::MesosSim{.agents = 2, .flags = {"--bad_images=broken:1"}};
    cluster_ = std::make_unique<LocalCluster>(options);
    db_ = std::make_unique<db::Connection>(cluster_->conninfo());
    ASSERT_GE(cluster_->wait_sole_leader(30s), 0);
  }

  long long submit(const std::string& body) {
    const auto answer = cluster_->call(1, "POST", "/v6/jobs/", body);
    EXPECT_TRUE(answer.status == 200 || answer.status == 201) << answer.status << answer.body;
    rapidjson::Document doc;
    doc.Parse(answer.body.c_str());
    return !doc.HasParseError() && doc.IsObject() && doc.HasMember("id") ? doc["id"].GetInt64()
                                                                         : -1;
  }

  // The TaskInfo the emulator journalled for `task_id`, waiting for its launch.
  rapidjson::Document task_info(const std::string& task_id) {
    rapidjson::Document found;
    found.SetNull();
    wait_until(
        [&] {
          const auto answer = cluster_->sim_call("GET", "/sim/journal?since=0");
          rapidjson::Document doc;
          doc.Parse(answer.body.c_str());
          if (doc.HasParseError() || !doc.HasMember("launches")) return false;
          for (const auto& launch : doc["launches"].GetArray()) {
            if (launch["task_id"].GetString() != task_id) continue;
            found.CopyFrom(launch["task_info"], found.GetAllocator());
            return true;
          }
          return false;
        },
        30s);
    return found;
  }

  std::unique_ptr<LocalCluster> cluster_;
  std::unique_ptr<db::Connection> db_;
};

std::string json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

const rapidjson::Value& at(const rapidjson::Value& value, const char* path) {
  const auto pointer = rapidjson::Pointer(path);
  const rapidjson::Value* found = pointer.Get(value);
  static const rapidjson::Value null;
  return found != nullptr ? *found : null;
}

TEST_F(JobSpecE2eTest, ADockerJobReachesTheMasterAsItsTaskInfo) {
  const long long id = submit(
      R"({"name":"docker-job","resources":{"cpus":0.5,"mem":64},)"
      R"("container":{"type":"DOCKER","image":"geoint/scale-worker:7.2","force_pull":true,)"
      R"("network":"BRIDGE","parameters":[{"key":"ulimit","value":"nofile=8192:8192"}],)"
      R"("volumes":[{"container_path":"/scale/input","host_path":"/mnt/input","mode":"RO"}]},)"
      R"("args":["--input","/scale/input/a.tif"],"env":{"SCALE_JOB":"ingest","LEVEL":"2"},)"
      R"("uris":[{"value":"http://artifacts.local/config.json","cache":true}],)"
      R"("user":"scale","labels":{"job_type":"ingest"},"kill_grace_s":2})");
  ASSERT_GT(id, 0);
  const auto info = task_info("scale_job_" + std::to_string(id) + "_1");
  ASSERT_TRUE(info.IsObject()) << "no launch of job " << id << " in the journal";
  std::cout << "DOCKER TaskInfo as sent: " << json_text(info) << "\n";

  EXPECT_STREQ(at(info, "/container/type").GetString(), "DOCKER");
  EXPECT_STREQ(at(info, "/container/docker/image").GetString(), "geoint/scale-worker:7.2");
  EXPECT_STREQ(at(info, "/container/docker/network").GetString(), "BRIDGE");
  EXPECT_TRUE(at(info, "/container/docker/force_pull_image").GetBool());
  EXPECT_STREQ(at(info, "/container/docker/parameters/0/key").GetString(), "ulimit");
  EXPECT_STREQ(at(info, "/container/docker/parameters/0/value").GetString(), "nofile=8192:8192");
  EXPECT_STREQ(at(info, "/container/volumes/0/container_path").GetString(), "/scale/input");
  EXPECT_STREQ(at(info, "/container/volumes/0/host_path").GetString(), "/mnt/input");
  EXPECT_STREQ(at(info, "/container/volumes/0/mode").GetString(), "RO");
  // No command: the image's entrypoint runs with the job's args.
  EXPECT_FALSE(at(info, "/command/shell").GetBool());
  EXPECT_TRUE(at(info, "/command/value").IsNull());
  EXPECT_STREQ(at(info, "/command/arguments/0").GetString(), "--input");
  EXPECT_STREQ(at(info, "/command/arguments/1").GetString(), "/scale/input/a.tif");
  EXPECT_STREQ(at(info, "/command/user").GetString(), "scale");
  EXPECT_STREQ(at(info, "/command/uris/0/value").GetString(), "http://artifacts.local/config.json");
  EXPECT_TRUE(at(info, "/command/uris/0/cache").GetBool());
  std::map<std::string, std::string> env;
  for (const auto& variable : at(info, "/command/environment/variables").GetArray())
    env[variable["name"].GetString()] = variable["value"].GetString();
  EXPECT_EQ(env, (std::map<std::string, std::string>{{"LEVEL", "2"}, {"SCALE_JOB", "ingest"}}));
  EXPECT_STREQ(at(info, "/labels/labels/0/key").GetString(), "job_type");
  EXPECT_STREQ(at(info, "/labels/labels/0/value").GetString(), "ingest");
  EXPECT_EQ(at(info, "/kill_policy/grace_period/nanoseconds").GetDouble(), 2e9);

  ASSERT_TRUE(wait_until([&] { return job_status(*db_, id) == "COMPLETED"; }, 60s));
  const auto shown = cluster_->get(0, "/v6/jobs/" + std::to_string(id) + "/");
  ASSERT_EQ(shown.status, 200) << shown.body;
  rapidjson::Document doc;
  doc.Parse(shown.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(at(doc, "/container/image").GetString(), "geoint/scale-worker:7.2");
  EXPECT_STREQ(at(doc, "/env/SCALE_JOB").GetString(), "ingest");
  EXPECT_EQ(at(doc, "/kill_grace_s").GetDouble(), 2);
  // Where it ran: the agent's hostname and its sandbox in the Mesos web UI.
  EXPECT_TRUE(at(doc, "/executions/0/agent_hostname").IsString());
  const std::string sandbox = at(doc, "/executions/0/sandbox_url").IsString()
                                  ? at(doc, "/executions/0/sandbox_url").GetString()
                                  : "";
  EXPECT_NE(sandbox.find("/#/agents/"), std::string::npos) << sandbox;
  EXPECT_NE(sandbox.find("/executors/scale_job_" + std::to_string(id) + "_1/browse"),
            std::string::npos)
      << sandbox;
}

TEST_F(JobSpecE2eTest, AMesosContainerJobNamesItsImageForTheProvisioner) {
  const long long id =
      submit(R"({"name":"mesos-job","command":"echo inside","resources":{"cpus":0.5,"mem":64},)"
             R"("container":{"type":"MESOS","image":"busybox:latest"}})");
  ASSERT_GT(id, 0);
  const auto info = task_info("scale_job_" + std::to_string(id) + "_1");
  ASSERT_TRUE(info.IsObject()) << "no launch of job " << id << " in the journal";
  std::cout << "MESOS TaskInfo as sent: " << json_text(info) << "\n";
  EXPECT_STREQ(at(info, "/container/type").GetString(), "MESOS");
  EXPECT_STREQ(at(info, "/container/mesos/image/type").GetString(), "DOCKER");
  EXPECT_STREQ(at(info, "/container/mesos/image/docker/name").GetString(), "busybox:latest");
  EXPECT_TRUE(at(info, "/container/docker").IsNull());
  EXPECT_STREQ(at(info, "/command/value").GetString(), "echo inside");
  ASSERT_TRUE(wait_until([&] { return job_status(*db_, id) == "COMPLETED"; }, 60s));
}

// The agent fails the launch (the emulator's --bad_images): each try fails with the agent's
// reason, and the job ends FAILED with it once its tries are spent.
TEST_F(JobSpecE2eTest, AnImageTheAgentCannotPullFailsTheJobWithTheAgentsReason) {
  const long long id = submit(R"({"name":"broken","resources":{"cpus":0.5,"mem":64},"max_tries":2,)"
                              R"("container":{"type":"DOCKER","image":"broken:1"}})");
  ASSERT_GT(id, 0);
  ASSERT_TRUE(wait_until([&] { return job_status(*db_, id) == "FAILED"; }, 60s));
  const auto rows = db_->exec("SELECT num_exes, coalesce(error, '') FROM job WHERE id = $1",
                              {std::to_string(id)});
  EXPECT_EQ(rows.integer(0, 0), 2);
  EXPECT_NE(rows.text(0, 1).find("REASON_CONTAINER_LAUNCH_FAILED"), std::string::npos)
      << rows.text(0, 1);
}

}  // namespace
}  // namespace scale::test
