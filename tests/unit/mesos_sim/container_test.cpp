// TaskInfo details as the master handles them (spec B.1/B.2): required fields and enums of the
// container, command, labels and kill policy fail the whole call; the master's ContainerInfo,
// environment and kill-policy checks give TASK_ERROR; what it does not check launches; the journal
// keeps the TaskInfo as sent; --bad_images fails the container launch on the agent.

#include <gtest/gtest.h>

#include <vector>

#include "master_fixture.h"

namespace mesos_sim {
namespace {

const std::string kCpus = R"("resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":0.1}}])";

std::string task_json(const std::string& id, const std::string& agent, const std::string& fields) {
  return R"({"name":"x","task_id":{"value":")" + id + R"("},"agent_id":{"value":")" + agent +
         R"("},)" + kCpus + "," + fields + "}";
}

std::string accept_json(const std::string& offer, const std::vector<std::string>& tasks) {
  std::string list;
  for (const auto& t : tasks) list += (list.empty() ? "" : ",") + t;
  return R"({"type":"ACCEPT","framework_id":{"value":"f"},"accept":{"offer_ids":[{"value":")" +
         offer + R"("}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[)" + list + "]}}]}}";
}

// The 400 body for an ACCEPT of one task with these fields, or "" when it converts.
std::string conversion_error(const std::string& fields) {
  std::string json = accept_json("o", {task_json("t", "a", fields)});
  ParsedCall parsed = parse_call(json.data(), json.size());
  return parsed.call ? "" : parsed.error;
}

TEST(TaskInfoConversion, MissingRequiredFieldsFailTheCallWithTheirPaths) {
  const std::string head = "Failed to convert JSON into Call protobuf: Missing required fields: ";
  const std::string task = "accept.operations[0].launch.task_infos[0].";
  EXPECT_EQ(conversion_error(R"("command":{},"container":{"docker":{"image":"i"}})"),
            head + task + "container.type");
  EXPECT_EQ(conversion_error(R"("command":{},"container":{"type":"DOCKER","docker":{}})"),
            head + task + "container.docker.image");
  EXPECT_EQ(
      conversion_error(R"("command":{},"container":{"type":"MESOS","volumes":[{}]})"),
      head + task + "container.volumes[0].container_path, " + task + "container.volumes[0].mode");
  EXPECT_EQ(conversion_error(R"("command":{},"container":{"type":"MESOS","mesos":)"
                             R"({"image":{"type":"DOCKER","docker":{}}}})"),
            head + task + "container.mesos.image.docker.name");
  EXPECT_EQ(conversion_error(R"("command":{"uris":[{"extract":false}]})"),
            head + task + "command.uris[0].value");
  EXPECT_EQ(conversion_error(R"("command":{"environment":{"variables":[{"value":"v"}]}})"),
            head + task + "command.environment.variables[0].name");
  EXPECT_EQ(conversion_error(R"("command":{},"labels":{"labels":[{"value":"v"}]})"),
            head + task + "labels.labels[0].key");
  EXPECT_EQ(conversion_error(R"("command":{},"container":{"type":"DOCKER","docker":)"
                             R"({"image":"i","parameters":[{}]}})"),
            head + task + "container.docker.parameters[0].key, " + task +
                "container.docker.parameters[0].value");
  EXPECT_EQ(conversion_error(R"("command":{},"kill_policy":{"grace_period":{}})"),
            head + task + "kill_policy.grace_period.nanoseconds");
}

TEST(TaskInfoConversion, EnumNamesRequiredOrDropped) {
  EXPECT_EQ(
      conversion_error(R"("command":{},"container":{"type":"docker","docker":{"image":"i"}})"),
      "Failed to convert JSON into Call protobuf: Failed to find enum for 'docker'");
  EXPECT_EQ(conversion_error(R"("command":{},"container":{"type":"MESOS","volumes":)"
                             R"([{"container_path":"p","mode":"rw","host_path":"/h"}]})"),
            "Failed to convert JSON into Call protobuf: Failed to find enum for 'rw'");
  // An optional enum's unknown name is dropped without a word.
  EXPECT_EQ(conversion_error(R"("command":{},"container":{"type":"DOCKER","docker":)"
                             R"({"image":"i","network":"bridge"}})"),
            "");
}

class ContainerTest : public MasterTest {
 protected:
  // One ACCEPT of these tasks (each task_json(id, agent, fields)) on a fresh offer.
  void accept(const std::vector<std::pair<std::string, std::string>>& tasks) {
    auto [offer_id, agent] = offer();
    ASSERT_FALSE(offer_id.empty());
    agent_ = agent;
    std::vector<std::string> infos;
    for (const auto& [id, fields] : tasks) infos.push_back(task_json(id, agent, fields));
    std::string json = accept_json(offer_id, infos);
    json.replace(json.find(R"("value":"f")"), 11, R"("value":")" + fw_ + R"(")");
    EXPECT_EQ(master_->call(parse_ok(json), stream_, now_).status, 202);
  }

  std::string agent_;
};

TEST_F(ContainerTest, MasterChecksGiveTaskErrorWithItsMessages) {
  subscribe();
  accept({
      {"no-docker", R"("command":{},"container":{"type":"DOCKER"})"},
      {"name-param", R"("command":{},"container":{"type":"DOCKER","docker":{"image":"i",)"
                     R"("parameters":[{"key":"name","value":"n"}]}})"},
      {"two-roots", R"("command":{},"container":{"type":"MESOS","volumes":[{"container_path":)"
                    R"("p","mode":"RW","host_path":"/h","source":{"type":"SANDBOX_PATH",)"
                    R"("sandbox_path":{"type":"SELF","path":"x"}}}]})"},
      {"no-root", R"("command":{},"container":{"type":"MESOS","volumes":[{"container_path":)"
                  R"("p","mode":"RO"}]})"},
      {"no-value", R"("command":{"environment":{"variables":[{"name":"X"}]}})"},
      {"negative", R"("command":{},"kill_policy":{"grace_period":{"nanoseconds":-1}})"},
  });
  std::vector<std::string> messages;
  for (auto& status : updates()) {
    EXPECT_STREQ(status["state"].GetString(), "TASK_ERROR");
    EXPECT_STREQ(status["reason"].GetString(), "REASON_TASK_INVALID");
    EXPECT_STREQ(status["source"].GetString(), "SOURCE_MASTER");
    EXPECT_FALSE(status.HasMember("uuid"));
    messages.push_back(status["message"].GetString());
  }
  const std::string container = "Task's `ContainerInfo` is invalid: ";
  const std::string only_one = container +
                               "Invalid volume: Only one of them should be set: 'host_path', "
                               "'image' and 'source'";
  EXPECT_EQ(messages,
            (std::vector<std::string>{
                container + "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo",
                container + "Parameter in DockerInfo must not be 'name'", only_one, only_one,
                "Task's `CommandInfo` is invalid: Environment variable 'X' of type 'VALUE' must "
                "have a value set",
                "Task's 'kill_policy.grace_period' must be non-negative"}));
  EXPECT_TRUE(journal_.records().empty());
}

TEST_F(ContainerTest, WhatTheMasterDoesNotCheckLaunches) {
  subscribe();
  accept({{"mesos-bare", R"("command":{"shell":true},"container":{"type":"MESOS"})"},
          {"both", R"("command":{},"container":{"type":"MESOS","docker":{"image":"i"}})"}});
  EXPECT_TRUE(updates().empty());
  EXPECT_EQ(journal_.records().size(), 2u);
}

TEST_F(ContainerTest, JournalKeepsTheTaskInfoAsSent) {
  subscribe();
  accept({{"full", R"("command":{"shell":false,"value":"/bin/app","arguments":["app","-v"],)"
                   R"("environment":{"variables":[{"name":"MODE","value":"blue"}]},)"
                   R"("uris":[{"value":"https://a/x.tgz","extract":true,"cache":true}],)"
                   R"("user":"svc"},"container":{"type":"DOCKER","docker":{"image":"nginx:1",)"
                   R"("network":"BRIDGE"}},"labels":{"labels":[{"key":"release","value":"r7"}]},)"
                   R"("kill_policy":{"grace_period":{"nanoseconds":20000000000}})"}});
  rapidjson::Document doc;
  doc.Parse(journal_.json(0).c_str());
  ASSERT_EQ(doc["launches"].Size(), 1u);
  const auto& info = doc["launches"][0]["task_info"];
  EXPECT_STREQ(info["task_id"]["value"].GetString(), "full");
  EXPECT_FALSE(info["command"]["shell"].GetBool());
  EXPECT_STREQ(info["command"]["value"].GetString(), "/bin/app");
  EXPECT_STREQ(info["command"]["arguments"][1].GetString(), "-v");
  EXPECT_STREQ(info["command"]["environment"]["variables"][0]["value"].GetString(), "blue");
  EXPECT_TRUE(info["command"]["uris"][0]["cache"].GetBool());
  EXPECT_STREQ(info["command"]["user"].GetString(), "svc");
  EXPECT_STREQ(info["container"]["docker"]["image"].GetString(), "nginx:1");
  EXPECT_STREQ(info["labels"]["labels"][0]["key"].GetString(), "release");
  EXPECT_EQ(info["kill_policy"]["grace_period"]["nanoseconds"].GetInt64(), 20000000000);
  EXPECT_DOUBLE_EQ(info["resources"][0]["scalar"]["value"].GetDouble(), 0.1);
}

TEST_F(ContainerTest, BadImageFailsOnTheAgentAndNeedsAnAck) {
  config_.bad_images = {"bad:1", "worse:2"};
  restart();
  subscribe();
  accept({{"docker", R"("command":{"shell":false},"container":{"type":"DOCKER",)"
                     R"("docker":{"image":"bad:1"}})"},
          {"mesos", R"("command":{"shell":false},"container":{"type":"MESOS","mesos":)"
                    R"({"image":{"type":"DOCKER","docker":{"name":"worse:2"}}}})"},
          {"fine", R"("command":{"shell":false},"container":{"type":"DOCKER",)"
                   R"("docker":{"image":"good:1"}})"}});
  advance(10);
  std::map<std::string, rapidjson::Document> by_task;
  for (auto& status : updates())
    by_task[status["task_id"]["value"].GetString()] = std::move(status);
  ASSERT_EQ(by_task.size(), 3u);
  for (const char* id : {"docker", "mesos"}) {
    const auto& status = by_task[id];
    EXPECT_STREQ(status["state"].GetString(), "TASK_FAILED") << id;
    EXPECT_STREQ(status["source"].GetString(), "SOURCE_AGENT");
    EXPECT_STREQ(status["reason"].GetString(), "REASON_CONTAINER_LAUNCH_FAILED");
    EXPECT_EQ(std::string(status["message"].GetString()).rfind("Failed to launch container: ", 0),
              0u);
    EXPECT_TRUE(status.HasMember("uuid"));
  }
  EXPECT_STREQ(by_task["fine"]["state"].GetString(), "TASK_RUNNING");
}

}  // namespace
}  // namespace mesos_sim
