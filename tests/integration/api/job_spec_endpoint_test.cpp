// The task spec of a job (container, args, env, uris, user, labels) over HTTP against a real
// PostgreSQL: what POST stores and GET shows, and every class of refusal storing nothing.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api_test_fixture.h"

namespace scale::api::testing {
namespace {

constexpr const char* kDockerJob = R"({"name": "algo", "resources": {"cpus": 1, "mem": 256},
  "kill_grace_s": 5,
  "container": {"type": "DOCKER", "image": "registry.example/algo:1.2", "force_pull": true,
    "network": "BRIDGE", "parameters": [{"key": "ulimit", "value": "nofile=8192:8192"}],
    "volumes": [{"container_path": "/data", "host_path": "/srv/data", "mode": "RO"}]},
  "args": ["--input", "/data/in"], "env": {"MODE": "fast", "API_TOKEN": "s3cret"},
  "uris": [{"value": "https://artifacts.example/model.tar.gz", "cache": true}],
  "user": "scale", "labels": {"team": "imagery"}})";

std::string json_of(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

class JobSpecEndpoint : public ApiTest {
 protected:
  void SetUp() override { start(); }

  long long jobs_stored() { return sql().exec("SELECT count(*) FROM job").integer(0, 0); }

  void expect_rejected(const std::string& body, const std::string& expected) {
    const auto response = call("POST", "/v6/jobs/", body);
    EXPECT_EQ(response.status, 400) << body << " -> " << response.body;
    const auto doc = parse(response.body);
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("detail")) << response.body;
    EXPECT_NE(std::string(doc["detail"].GetString()).find(expected), std::string::npos)
        << body << " -> " << response.body;
    EXPECT_EQ(jobs_stored(), 0) << "stored although refused: " << body;
  }
};

// Each spec field as submitted, in the POST answer, the detail and the list.
TEST_F(JobSpecEndpoint, DockerJobRoundTripsThroughPostgresql) {
  const auto created = call("POST", "/v6/jobs/", kDockerJob);
  ASSERT_EQ(created.status, 201) << created.body;
  const long long id = parse(created.body)["id"].GetInt64();
  const auto submitted = parse(kDockerJob);
  for (const std::string& path :
       {"/v6/jobs/" + std::to_string(id) + "/", std::string("/v6/jobs/")}) {
    const auto response = get(path);
    ASSERT_EQ(response.status, 200) << response.body;
    const auto doc = parse(response.body);
    const rapidjson::Value& job = doc.HasMember("results") ? doc["results"][0] : doc;
    EXPECT_STREQ(job["command"].GetString(), "") << "no command: the image's entrypoint";
    for (const char* field : {"container", "args", "env", "uris", "user", "labels"}) {
      rapidjson::Document expected;
      expected.CopyFrom(submitted[field], expected.GetAllocator());
      if (std::string(field) == "uris") {  // shown with the defaults filled in
        expected[0].AddMember("executable", false, expected.GetAllocator());
        expected[0].AddMember("extract", true, expected.GetAllocator());
      }
      EXPECT_TRUE(job[field] == expected)
          << field << ": " << json_of(job[field]) << " vs " << json_of(expected);
    }
    EXPECT_DOUBLE_EQ(job["kill_grace_s"].GetDouble(), 5);
  }
  // Stored as the canonical JSON, which the migration's rule reads.
  EXPECT_EQ(sql()
                .exec("SELECT task_spec->'container'->>'image' FROM job WHERE id = $1",
                      {std::to_string(id)})
                .text(0, 0),
            "registry.example/algo:1.2");
}

TEST_F(JobSpecEndpoint, PlainJobShowsAnEmptySpec) {
  const auto created =
      call("POST", "/v6/jobs/", R"({"name": "n", "command": "env", "resources": {"cpus": 1}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto job = parse(created.body);
  EXPECT_TRUE(job["container"].IsNull());
  EXPECT_TRUE(job["user"].IsNull());
  EXPECT_EQ(json_of(job["args"]), "[]");
  EXPECT_EQ(json_of(job["env"]), "{}");
  EXPECT_EQ(json_of(job["uris"]), "[]");
  EXPECT_EQ(json_of(job["labels"]), "{}");
  EXPECT_EQ(sql().exec("SELECT task_spec::text FROM job").text(0, 0), "{}");
}

// One refusal of each class, at its field path; none stores anything.
TEST_F(JobSpecEndpoint, EveryRefusalNamesItsFieldAndStoresNothing) {
  const std::string head = R"({"name": "n", "resources": {"cpus": 1}, )";
  const std::string docker = head + R"("container": {"type": "DOCKER", "image": "i", )";
  const std::string plain_docker = head + R"("container": {"type": "DOCKER", "image": "i"})";
  // Required and unknown keys, nested too.
  expect_rejected(head + R"("env": {}})", "command is required");
  expect_rejected(head + R"("container": {"image": "i"}})", "container.type is required");
  expect_rejected(head + R"("container": {"type": "DOCKER"}})", "container.image is required");
  expect_rejected(docker + R"("privileged": true}})", "container: unknown field \"privileged\"");
  expect_rejected(docker + R"("volumes": [{"container_path": "/a", "host_path": "/b", "mode": "RW",
      "propagation": 1}]}})",
                  "container.volumes[0]: unknown field \"propagation\"");
  expect_rejected(docker + R"("volumes": [{"container_path": "/a", "mode": "RW"}]}})",
                  "container.volumes[0].host_path is required");
  expect_rejected(head + R"("command": "c", "uris": [{"cache": true}]})",
                  "uris[0].value is required");
  expect_rejected(docker + R"("image": "j"}})", "appears more than once");
  // Wrong types and enum names.
  expect_rejected(head + R"("container": "algo"})", "container must be an object");
  expect_rejected(
      docker + R"("volumes": [{"container_path": "/a", "host_path": "/b", "mode": "rw"}]}})",
      "container.volumes[0].mode must be RW or RO");
  expect_rejected(head + R"("container": {"type": "docker", "image": "i"}})",
                  "container.type must be DOCKER or MESOS");
  expect_rejected(docker + R"("network": "bridge"}})",
                  "container.network must be HOST, BRIDGE or NONE");
  expect_rejected(docker + R"("force_pull": "yes"}})",
                  "container.force_pull must be true or false");
  expect_rejected(plain_docker + R"(, "args": [1]})", "args[0] must be a string");
  expect_rejected(head + R"("command": "c", "env": {"A": 1}})",
                  "env value of \"A\" must be a string");
  expect_rejected(head + R"("command": "c", "labels": []})", "labels must be an object");
  expect_rejected(head + R"("command": "c", "user": 7})", "user must be a string");
  // Values Mesos or Docker would refuse.
  expect_rejected(head + R"("container": {"type": "DOCKER", "image": ""}})",
                  "container.image must not be empty");
  expect_rejected(head + R"("container": {"type": "MESOS", "image": "i", "network": "HOST"}})",
                  "container.network is only for DOCKER containers");
  expect_rejected(docker + R"("parameters": [{"key": "name", "value": "x"}]}})",
                  "container.parameters[0].key \"name\" is refused");
  expect_rejected(
      docker + R"("volumes": [{"container_path": "/a", "host_path": "b", "mode": "RW"}]}})",
      "container.volumes[0].host_path must be an absolute path");
  expect_rejected(head + R"("command": "c", "args": ["a"]})", "args need a container");
  expect_rejected(plain_docker + R"(, "command": "c", "args": ["a"]})",
                  "args cannot be used with command");
  expect_rejected(head + R"("command": "c", "env": {"BAD-NAME": "x"}})", "env names must match");
  expect_rejected(head + R"("command": "c", "env": {"A": "\u0000"}})", "must not contain NUL");
  expect_rejected(head + R"("command": "c", "user": "a b"})", "user must be a user name");
  expect_rejected(R"({"name": "n", "command": "c", "resources": {"cpus": 1, "gpus": 1.5}})",
                  "resources.gpus must be a whole number");
  // Absurd sizes.
  expect_rejected(
      head + R"("container": {"type": "DOCKER", "image": ")" + std::string(1100, 'i') + R"("}})",
      "container.image must be at most 1024 bytes");
  std::string labels;
  for (int i = 0; i < 65; ++i) labels += (i ? "," : "") + ("\"l" + std::to_string(i) + "\": \"v\"");
  expect_rejected(head + R"("command": "c", "labels": {)" + labels + "}}",
                  "labels must have at most 64 entries");
}

}  // namespace
}  // namespace scale::api::testing
