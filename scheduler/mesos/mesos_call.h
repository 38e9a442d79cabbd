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
  std::vector<std::string> capabilities = {"MULTI_ROLE", "PARTITION_AWARE", "TASK_KILLING_STATE"};
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

struct TaskLaunch {
  std::string name;
  std::string task_id;
  std::string agent_id;
  std::vector<ScalarResource> resources;
  std::string command;  // run through the shell
  std::vector<EnvironmentVariable> environment;
};

struct TaskToReconcile {
  std::string task_id;
  std::string agent_id;  // empty when unknown
};

}  // namespace scale::mesos
