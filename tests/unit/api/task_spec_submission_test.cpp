// The task spec part of POST /v6/jobs/ (container, args, env, uris, user, labels): what is read
// and every class of refusal, each naming the field path.
#include <gtest/gtest.h>

#include "api/job_submission.h"

namespace scale::api {
namespace {

const std::string kHead = R"({"name": "n", "resources": {"cpus": 1})";

JobSubmissionResult parse(const std::string& fields) {
  return parse_job_submission(kHead + ", " + fields + "}");
}

void expect_error(const std::string& fields, const std::string& expected) {
  const auto result = parse(fields);
  EXPECT_FALSE(result.job) << fields;
  EXPECT_NE(result.error.find(expected), std::string::npos) << fields << " -> " << result.error;
}

TEST(TaskSpecSubmission, ReadsADockerJobWithoutCommand) {
  const auto result = parse(R"("container": {"type": "DOCKER", "image": "algo:1.2",
      "force_pull": true, "network": "BRIDGE", "parameters": [{"key": "ulimit", "value": "n=1"}],
      "volumes": [{"container_path": "/in", "host_path": "/srv/in", "mode": "RO"}]},
      "args": ["--in", "/in"], "env": {"B": "2", "A": "1"},
      "uris": [{"value": "https://e.example/x.tgz", "cache": true}], "user": "scale",
      "labels": {"team": "ops"})");
  ASSERT_TRUE(result.job) << result.error;
  const db::TaskSpec& spec = result.job->task_spec;
  EXPECT_EQ(result.job->command, "");
  ASSERT_TRUE(spec.container);
  EXPECT_EQ(*spec.container, (db::Container{db::ContainerType::Docker,
                                            "algo:1.2",
                                            true,
                                            db::DockerNetwork::Bridge,
                                            {{"ulimit", "n=1"}},
                                            {{"/in", "/srv/in", db::VolumeMode::RO}}}));
  EXPECT_EQ(spec.args, (std::vector<std::string>{"--in", "/in"}));
  EXPECT_EQ(spec.env, (std::map<std::string, std::string>{{"A", "1"}, {"B", "2"}}));
  ASSERT_EQ(spec.uris.size(), 1u);
  EXPECT_EQ(spec.uris[0], (db::FetchUri{"https://e.example/x.tgz", false, true, true}));
  EXPECT_EQ(spec.user, "scale");
  EXPECT_EQ(spec.labels, (std::map<std::string, std::string>{{"team", "ops"}}));
}

TEST(TaskSpecSubmission, ReadsAMesosJobWithACommandAndAPlainJobWithEnv) {
  const auto mesos = parse(R"("command": "python3 run.py",
      "container": {"type": "MESOS", "image": "busybox:latest"})");
  ASSERT_TRUE(mesos.job) << mesos.error;
  EXPECT_EQ(mesos.job->task_spec.container->type, db::ContainerType::Mesos);
  EXPECT_FALSE(mesos.job->task_spec.container->network);

  const auto plain =
      parse(R"("command": "env", "env": {"X": ""}, "user": null, "container": null)");
  ASSERT_TRUE(plain.job) << plain.error;
  EXPECT_FALSE(plain.job->task_spec.container);
  EXPECT_FALSE(plain.job->task_spec.user);
  EXPECT_EQ(plain.job->task_spec.env.at("X"), "");
}

TEST(TaskSpecSubmission, CommandIsRequiredWithoutAContainer) {
  expect_error(R"("env": {"A": "1"})", "command is required");
  expect_error(R"("command": "", "labels": {})", "command must not be empty");
  expect_error(R"("command": "c", "args": ["x"], "container": {"type": "DOCKER", "image": "i"})",
               "args cannot be used with command");
  EXPECT_TRUE(parse(R"("command": "c", "args": [])").job) << "an empty list is no args";
}

TEST(TaskSpecSubmission, RefusesUnknownKeysAndWrongTypesAtTheirPath) {
  expect_error(R"("container": {"type": "DOCKER", "image": "i", "privileged": true})",
               "container: unknown field \"privileged\"");
  expect_error(R"("container": {"type": "DOCKER", "image": "i", "volumes": [
      {"container_path": "/a", "host_path": "/b", "mode": "RW", "x": 1}]})",
               "container.volumes[0]: unknown field \"x\"");
  expect_error(R"("command": "c", "uris": [{"value": "u", "output_file": "f"}])",
               "uris[0]: unknown field");
  expect_error(R"("container": "algo:1")", "container must be an object");
  expect_error(R"("container": {"type": "docker", "image": "i"})",
               "container.type must be DOCKER or MESOS");
  expect_error(R"("container": {"image": "i"})", "container.type is required");
  expect_error(R"("container": {"type": "MESOS"})", "container.image is required");
  expect_error(R"("container": {"type": "DOCKER", "image": "i", "force_pull": 1})",
               "container.force_pull must be true or false");
  expect_error(R"("container": {"type": "DOCKER", "image": "i", "network": "bridge"})",
               "container.network must be HOST, BRIDGE or NONE");
  expect_error(R"("container": {"type": "DOCKER", "image": "i", "volumes": [
      {"container_path": "/a", "host_path": "/b", "mode": "rw"}]})",
               "container.volumes[0].mode must be RW or RO");
  expect_error(R"("container": {"type": "DOCKER", "image": "i", "volumes": [
      {"container_path": "/a", "mode": "RW"}]})",
               "container.volumes[0].host_path is required");
  expect_error(R"("container": {"type": "DOCKER", "image": "i", "parameters": [{"key": "k"}]})",
               "container.parameters[0].value is required");
  expect_error(R"("container": {"type": "DOCKER", "image": "i", "parameters": {"k": "v"}})",
               "container.parameters must be a list");
  expect_error(R"("container": {"type": "DOCKER", "image": "i", "image": "j"})",
               "container: field \"image\" appears more than once");
  expect_error(R"("container": {"type": "DOCKER", "image": "i"}, "args": ["a", 1])",
               "args[1] must be a string");
  expect_error(R"("command": "c", "env": {"A": 1})", "env value of \"A\" must be a string");
  expect_error(R"("command": "c", "env": {"A": "1", "A": "2"})", "appears more than once");
  expect_error(R"("command": "c", "env": ["A=1"])", "env must be an object");
  expect_error(R"("command": "c", "uris": [{"executable": true}])", "uris[0].value is required");
  expect_error(R"("command": "c", "uris": [{"value": "u", "extract": "no"}])",
               "uris[0].extract must be true or false");
  expect_error(R"("command": "c", "user": 0)", "user must be a string");
  expect_error(R"("command": "c", "labels": {"a": true})",
               "labels value of \"a\" must be a string");
}

TEST(TaskSpecSubmission, RefusesValuesMesosOrDockerWouldRefuse) {
  const std::string docker = R"("container": {"type": "DOCKER", "image": "i", )";
  expect_error(R"("container": {"type": "DOCKER", "image": ""})",
               "container.image must not be empty");
  expect_error(R"("container": {"type": "DOCKER", "image": "a b"})",
               "container.image must not contain spaces");
  expect_error(R"("container": {"type": "MESOS", "image": "i", "network": "HOST"})",
               "container.network is only for DOCKER containers");
  expect_error(R"("container": {"type": "MESOS", "image": "i", "parameters": [
      {"key": "k", "value": "v"}]})",
               "container.parameters are only for DOCKER containers");
  expect_error(docker + R"("parameters": [{"key": "name", "value": "x"}]})",
               "container.parameters[0].key \"name\" is refused by Mesos");
  expect_error(docker + R"("parameters": [{"key": "net", "value": "host"}]})",
               "use container.network");
  expect_error(
      docker + R"("volumes": [{"container_path": "/a", "host_path": "rel", "mode": "RW"}]})",
      "container.volumes[0].host_path must be an absolute path");
  expect_error(docker + R"("volumes": [{"container_path": "", "host_path": "/b", "mode": "RW"}]})",
               "container.volumes[0].container_path must not be empty");
  expect_error(R"("command": "c", "args": ["a"])", "args need a container");
  expect_error(R"("command": "c", "env": {"1A": "x"})", "env names must match");
  expect_error(R"("command": "c", "env": {"A-B": "x"})", "env names must match");
  expect_error(R"("command": "c", "env": {"A": "\u0000"})", "env.A must not contain NUL");
  expect_error(R"("command": "c", "uris": [{"value": ""}])", "uris[0].value must not be empty");
  expect_error(R"("command": "c", "user": "")", "user must not be empty");
  expect_error(R"("command": "c", "user": "root; rm")", "user must be a user name");
  expect_error(R"("command": "c", "labels": {"": "v"})", "labels key must not be empty");
}

TEST(TaskSpecSubmission, RefusesAbsurdSizesAndCounts) {
  std::string env;
  for (int i = 0; i < 257; ++i) env += (i ? ", " : "") + ("\"V" + std::to_string(i) + "\": \"x\"");
  expect_error(R"("command": "c", "env": {)" + env + "}", "env must have at most 256 entries");
  expect_error(R"("command": "c", "env": {"A": ")" + std::string(40000, 'x') + "\"}",
               "env.A must be at most 32768 bytes");
  expect_error(R"("container": {"type": "DOCKER", "image": ")" + std::string(2000, 'i') + "\"}",
               "container.image must be at most 1024 bytes");
  std::string uris;
  for (int i = 0; i < 65; ++i) uris += (i ? ", " : "") + std::string(R"({"value": "u"})");
  expect_error(R"("command": "c", "uris": [)" + uris + "]", "uris must have at most 64 entries");
  const auto long_key =
      parse(R"("command": "c", "labels": {")" + std::string(300, 'k') + R"(": 1})");
  ASSERT_FALSE(long_key.job);
  EXPECT_LT(long_key.error.size(), 200u) << "a detail echoes at most 64 bytes of a key";
}

TEST(TaskSpecSubmission, GpusMustBeAWholeNumber) {
  const auto fractional = parse_job_submission(
      R"({"name": "n", "command": "c", "resources": {"cpus": 1, "gpus": 0.5}})");
  EXPECT_EQ(fractional.error, "resources.gpus must be a whole number");
  EXPECT_TRUE(
      parse_job_submission(R"({"name": "n", "command": "c", "resources": {"cpus": 1, "gpus": 2}})")
          .job);
}

// What GET shows (db::write_task_spec_members, every field) and the stored canonical JSON both
// read back as the same spec.
TEST(TaskSpecSubmission, TheCanonicalJsonReadsBackAsTheSameSpec) {
  const auto result = parse(R"("container": {"type": "MESOS", "image": "busybox",
      "volumes": [{"container_path": "c", "host_path": "/h", "mode": "RW"}]},
      "args": ["a"], "env": {"E": "v"}, "uris": [{"value": "u", "executable": true}],
      "labels": {"l": ""})");
  ASSERT_TRUE(result.job) << result.error;
  const std::string json = db::task_spec_json(result.job->task_spec);
  std::string error;
  const auto again = db::parse_task_spec(json, error);
  ASSERT_TRUE(again) << error << " in " << json;
  EXPECT_EQ(*again, result.job->task_spec);
  EXPECT_EQ(db::task_spec_json(db::TaskSpec{}), "{}");
}

}  // namespace
}  // namespace scale::api
