// Expected JSON written by hand from shared/mesos-v1-scheduler-api.md (A.4, A.5, A.7, A.15).
#include "scheduler/mesos/call_codec.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace scale::mesos {
namespace {

std::string canonical(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

// Compares as JSON values (key order and 1 vs 1.0 do not matter).
void expect_json(const std::string& actual, const std::string& expected) {
  rapidjson::Document a, e;
  a.Parse(actual.c_str());
  e.Parse(expected.c_str());
  ASSERT_FALSE(a.HasParseError()) << actual;
  ASSERT_FALSE(e.HasParseError()) << expected;
  EXPECT_TRUE(a == e) << "actual:   " << canonical(a) << "\nexpected: " << canonical(e);
}

FrameworkInfo framework() {
  FrameworkInfo info;
  info.user = "svc-sched";
  info.name = "ha-scheduler";
  info.roles = {"sched-role"};
  info.hostname = "replica-2.example";
  return info;
}

TEST(CallCodec, FirstSubscribeHasNoFrameworkIdAnywhere) {
  expect_json(encode_subscribe(framework(), std::nullopt), R"({
    "type":"SUBSCRIBE",
    "subscribe":{"framework_info":{
      "user":"svc-sched","name":"ha-scheduler","failover_timeout":604800.0,"checkpoint":true,
      "roles":["sched-role"],
      "capabilities":[{"type":"MULTI_ROLE"},{"type":"PARTITION_AWARE"},{"type":"TASK_KILLING_STATE"},
                      {"type":"GPU_RESOURCES"}],
      "hostname":"replica-2.example"}}})");
}

TEST(CallCodec, ResubscribeSetsBothIds) {
  expect_json(encode_subscribe(framework(), std::string("F-7")), R"({
    "type":"SUBSCRIBE","framework_id":{"value":"F-7"},
    "subscribe":{"framework_info":{
      "user":"svc-sched","name":"ha-scheduler","id":{"value":"F-7"},"failover_timeout":604800.0,
      "checkpoint":true,"roles":["sched-role"],
      "capabilities":[{"type":"MULTI_ROLE"},{"type":"PARTITION_AWARE"},{"type":"TASK_KILLING_STATE"},
                      {"type":"GPU_RESOURCES"}],
      "hostname":"replica-2.example"}}})");
}

TEST(CallCodec, AcceptWithLaunch) {
  TaskLaunch task;
  task.name = "job-42";
  task.task_id = "job-42.7f3c";
  task.agent_id = "S1";
  task.resources = {{"cpus", 0.5, "sched-role"}, {"mem", 256, "sched-role"}};
  task.command = "sleep 1000";
  task.environment = {{"X", "1"}};
  expect_json(encode_accept("F", {"O-1", "O-2"}, {task}, 30.0), R"({
    "type":"ACCEPT","framework_id":{"value":"F"},
    "accept":{"offer_ids":[{"value":"O-1"},{"value":"O-2"}],
      "operations":[{"type":"LAUNCH","launch":{"task_infos":[
        {"name":"job-42","task_id":{"value":"job-42.7f3c"},"agent_id":{"value":"S1"},
         "resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":0.5},"allocation_info":{"role":"sched-role"}},
                      {"name":"mem","type":"SCALAR","scalar":{"value":256},"allocation_info":{"role":"sched-role"}}],
         "command":{"shell":true,"value":"sleep 1000","environment":{"variables":[{"name":"X","value":"1"}]}}}]}}],
      "filters":{"refuse_seconds":30.0}}})");
}

// The one task of an ACCEPT, as JSON text.
std::string task_info_of(const TaskLaunch& task) {
  const std::string call = encode_accept("F", {"O-1"}, {task}, std::nullopt);
  rapidjson::Document doc;
  doc.Parse(call.c_str());
  return canonical(doc["accept"]["operations"][0]["launch"]["task_infos"][0]);
}

TaskLaunch base_task() {
  TaskLaunch task;
  task.name = "job-7";
  task.task_id = "scale_job_7_1";
  task.agent_id = "S1";
  task.resources = {{"cpus", 1, "*"}};
  return task;
}

constexpr const char* kResources =
    R"("resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"allocation_info":{"role":"*"}}])";

// Spec B.1: DockerInfo carries image, network, force_pull_image and parameters; volumes sit at
// ContainerInfo level; no command value runs the image's entrypoint with the arguments.
TEST(CallCodec, DockerTaskRunsTheImageEntrypointWithArguments) {
  TaskLaunch task = base_task();
  task.shell = false;
  task.arguments = {"--input", "/data/in"};
  Container c;
  c.type = Container::Type::Docker;
  c.image = "registry.example/scale/algo:1.2";
  c.force_pull = true;
  c.network = Container::Network::Bridge;
  c.parameters = {{"ulimit", "nofile=8192:8192"}};
  c.volumes = {{"/data", "/srv/data", Volume::Mode::RO}};
  task.container = c;
  task.kill_grace_seconds = 2.5;
  expect_json(task_info_of(task),
              std::string(R"({"name":"job-7","task_id":{"value":"scale_job_7_1"},
    "agent_id":{"value":"S1"},)") +
                  kResources + R"(,
    "command":{"shell":false,"arguments":["--input","/data/in"]},
    "container":{"type":"DOCKER",
      "docker":{"image":"registry.example/scale/algo:1.2","network":"BRIDGE","force_pull_image":true,
                "parameters":[{"key":"ulimit","value":"nofile=8192:8192"}]},
      "volumes":[{"container_path":"/data","host_path":"/srv/data","mode":"RO"}]},
    "kill_policy":{"grace_period":{"nanoseconds":2500000000}}})");
}

// MesosInfo.image {type DOCKER, docker {name}}; force_pull is image.cached false; a command runs
// through the shell inside the image.
TEST(CallCodec, MesosTaskProvisionsTheDockerImage) {
  TaskLaunch task = base_task();
  task.command = "python3 /app/run.py";
  Container c;
  c.type = Container::Type::Mesos;
  c.image = "busybox:latest";
  c.force_pull = true;
  c.volumes = {{"/etc/app", "/etc/app-conf", Volume::Mode::RW}};
  task.container = c;
  expect_json(task_info_of(task),
              std::string(R"({"name":"job-7","task_id":{"value":"scale_job_7_1"},
    "agent_id":{"value":"S1"},)") +
                  kResources + R"(,
    "command":{"shell":true,"value":"python3 /app/run.py"},
    "container":{"type":"MESOS",
      "mesos":{"image":{"type":"DOCKER","docker":{"name":"busybox:latest"},"cached":false}},
      "volumes":[{"container_path":"/etc/app","host_path":"/etc/app-conf","mode":"RW"}]}})");
  task.container->force_pull = false;
  EXPECT_EQ(task_info_of(task).find("cached"), std::string::npos) << "cached defaults to true";
}

TEST(CallCodec, CommandTaskWithEnvironmentUrisUserLabelsAndKillGrace) {
  TaskLaunch task = base_task();
  task.command = "./run.sh";
  task.arguments = {"ignored"};  // read by Mesos only when shell is false: not sent
  task.environment = {{"A", "1"}, {"B", "two words"}};
  task.uris = {{"https://artifacts.example/run.sh", true, false, false},
               {"https://artifacts.example/data.tar.gz", false, true, true}};
  task.user = "scale";
  task.labels = {{"job", "7"}, {"owner", "ops"}};
  task.kill_grace_seconds = 0;
  expect_json(task_info_of(task),
              std::string(R"({"name":"job-7","task_id":{"value":"scale_job_7_1"},
    "agent_id":{"value":"S1"},)") +
                  kResources + R"(,
    "command":{"shell":true,"value":"./run.sh",
      "environment":{"variables":[{"name":"A","value":"1"},{"name":"B","value":"two words"}]},
      "uris":[{"value":"https://artifacts.example/run.sh","executable":true,"extract":false,"cache":false},
              {"value":"https://artifacts.example/data.tar.gz","executable":false,"extract":true,"cache":true}],
      "user":"scale"},
    "labels":{"labels":[{"key":"job","value":"7"},{"key":"owner","value":"ops"}]},
    "kill_policy":{"grace_period":{"nanoseconds":0}}})");
}

TEST(CallCodec, DeclineWithRefuseSeconds) {
  expect_json(encode_decline("F", {"O-1"}, 3600.0),
              R"({"type":"DECLINE","framework_id":{"value":"F"},
    "decline":{"offer_ids":[{"value":"O-1"}],"filters":{"refuse_seconds":3600.0}}})");
  expect_json(encode_decline("F", {"O-1"}, std::nullopt), R"({"type":"DECLINE",
    "framework_id":{"value":"F"},"decline":{"offer_ids":[{"value":"O-1"}]}})");
}

TEST(CallCodec, SuppressAndReviveUseRolesNeverRole) {
  expect_json(encode_suppress("F", {"a", "b"}), R"({"type":"SUPPRESS","framework_id":{"value":"F"},
    "suppress":{"roles":["a","b"]}})");
  expect_json(encode_revive("F", {"a"}), R"({"type":"REVIVE","framework_id":{"value":"F"},
    "revive":{"roles":["a"]}})");
  expect_json(encode_revive("F", {}),
              R"({"type":"REVIVE","framework_id":{"value":"F"},"revive":{}})");
}

TEST(CallCodec, Kill) {
  expect_json(encode_kill("F", "t1", "S1"), R"({"type":"KILL","framework_id":{"value":"F"},
    "kill":{"task_id":{"value":"t1"},"agent_id":{"value":"S1"}}})");
  expect_json(encode_kill("F", "t1", ""), R"({"type":"KILL","framework_id":{"value":"F"},
    "kill":{"task_id":{"value":"t1"}}})");
}

// The job's kill grace overrides the task's KillPolicy for this kill (spec B.3), in nanoseconds.
TEST(CallCodec, KillWithGracePeriod) {
  expect_json(encode_kill("F", "t1", "S1", 2.5), R"({"type":"KILL","framework_id":{"value":"F"},
    "kill":{"task_id":{"value":"t1"},"agent_id":{"value":"S1"},
            "kill_policy":{"grace_period":{"nanoseconds":2500000000}}}})");
  expect_json(encode_kill("F", "t1", "", 0.0), R"({"type":"KILL","framework_id":{"value":"F"},
    "kill":{"task_id":{"value":"t1"},"kill_policy":{"grace_period":{"nanoseconds":0}}}})");
}

TEST(CallCodec, AcknowledgeCarriesUuidAsReceived) {
  expect_json(encode_acknowledge("F", "S1", "t1", "3q2+7wAAAAAAAAAAAAAAAA=="), R"({
    "type":"ACKNOWLEDGE","framework_id":{"value":"F"},
    "acknowledge":{"agent_id":{"value":"S1"},"task_id":{"value":"t1"},"uuid":"3q2+7wAAAAAAAAAAAAAAAA=="}})");
}

TEST(CallCodec, ReconcileExplicitAndImplicit) {
  expect_json(encode_reconcile("F", {{"t1", "S1"}, {"t2", ""}}), R"({"type":"RECONCILE",
    "framework_id":{"value":"F"},"reconcile":{"tasks":[
      {"task_id":{"value":"t1"},"agent_id":{"value":"S1"}},{"task_id":{"value":"t2"}}]}})");
  expect_json(encode_reconcile("F", {}), R"({"type":"RECONCILE","framework_id":{"value":"F"},
    "reconcile":{"tasks":[]}})");
}

TEST(CallCodec, Teardown) {
  expect_json(encode_teardown("F"), R"({"type":"TEARDOWN","framework_id":{"value":"F"}})");
}

TEST(CallCodec, EscapesStrings) {
  expect_json(encode_kill("F", "a\"b\\c\n", ""), R"({"type":"KILL","framework_id":{"value":"F"},
    "kill":{"task_id":{"value":"a\"b\\c\n"}}})");
}

}  // namespace
}  // namespace scale::mesos
