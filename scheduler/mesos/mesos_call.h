#pragma once

// Inputs of the v1 scheduler calls this client sends (spec A.5, A.7). Plain values; encoding to
// JSON lives in call_codec.

#include <optional>
#include <string>
#include <vector>

namespace scale::mesos {

struct FrameworkInfo {
  std::string user;  // required: the HTTP API does not fill it in
  std::string name;  // required
  // A week: with the default 0 the master kills every task as soon as the scheduler disconnects.
  double failover_timeout_seconds = 7 * 24 * 3600.0;
  bool checkpoint = true;  // tasks survive agent restarts
  std::vector<std::string> roles = {"*"};
  // GPU_RESOURCES: without it the master offers nothing at all from an agent that has GPUs (spec
  // B.5); the matcher keeps work without GPUs off those agents while others fit.
  std::vector<std::string> capabilities = {"MULTI_ROLE", "PARTITION_AWARE", "TASK_KILLING_STATE",
                                           "GPU_RESOURCES"};
  std::string hostname;   // optional, shown in the UI
  std::string principal;  // optional
  std::string webui_url;  // optional
};

struct ScalarResource {
  std::string name;  // cpus, mem (MB), disk (MB), gpus
  double value = 0;
  // Allocation role copied from the offer; mandatory for MULTI_ROLE frameworks.
  std::string allocation_role;
};

struct EnvironmentVariable {
  std::string name;
  std::string value;
};

// Label, and DockerInfo's Parameter (`docker run --key=value`).
struct KeyValue {
  std::string key;
  std::string value;
};

// CommandInfo.URI: fetched into the sandbox before the task starts.
struct FetchUri {
  std::string value;
  bool executable = false;
  bool extract = true;
  bool cache = false;  // through the agent's fetcher cache
};

struct Volume {
  enum class Mode { RW, RO };
  std::string container_path;
  std::string host_path;
  Mode mode = Mode::RW;
};

// ContainerInfo: DOCKER (docker containerizer, DockerInfo) or MESOS (Mesos containerizer running
// a Docker image, MesosInfo.image).
struct Container {
  enum class Type { Docker, Mesos };
  enum class Network { Host, Bridge, None };  // DockerInfo.network
  Type type = Type::Docker;
  std::string image;
  bool force_pull = false;           // DOCKER: force_pull_image; MESOS: image.cached false
  std::optional<Network> network;    // DOCKER only; unset: the master's default, HOST
  std::vector<KeyValue> parameters;  // DOCKER only
  std::vector<Volume> volumes;
};

struct TaskLaunch {
  std::string name;
  std::string task_id;
  std::string agent_id;
  std::vector<ScalarResource> resources;
  // CommandInfo. shell: `/bin/sh -c <command>` (inside the image, if any), arguments ignored.
  // Not shell: `command` is the program (empty: the image's entrypoint) and `arguments` follow it.
  bool shell = true;
  std::string command;
  std::vector<std::string> arguments;
  std::vector<EnvironmentVariable> environment;
  std::vector<FetchUri> uris;
  std::string user;  // empty: FrameworkInfo.user
  std::vector<KeyValue> labels;
  std::optional<Container> container;
  std::optional<double> kill_grace_seconds;  // KillPolicy.grace_period; unset: the executor's
};

struct TaskToReconcile {
  std::string task_id;
  std::string agent_id;  // empty when unknown
};

}  // namespace scale::mesos
