// The master's per-task checks of the kill policy, the command's environment and the
// ContainerInfo (spec B.2 rows 4, 7, 8, 9; master/validation.cpp and common/validation.cpp), with
// its messages. What the master does not check (MESOS without `mesos`, a missing command value,
// whether an image exists) is left to the simulated agent.

#include <algorithm>

#include "task_spec.h"

namespace mesos_sim {
namespace {

// common::validation::validateVolume.
std::string volume_error(const VolumeSpec& volume) {
  if (volume.roots != 1) return "Only one of them should be set: 'host_path', 'image' and 'source'";
  if (!volume.has_source) return "";
  const std::string& type = volume.source_type;
  if (type.empty() || type == "UNKNOWN") return "'source.type' is unknown";
  if (volume.source_detail) return "";
  std::string field = type == "DOCKER_VOLUME"  ? "docker_volume"
                      : type == "HOST_PATH"    ? "host_path"
                      : type == "SANDBOX_PATH" ? "sandbox_path"
                      : type == "SECRET"       ? "secret"
                                               : "csi_volume";
  return "'source." + field + "' is not set for " + type + " volume";
}

// common::validation::validateEnvironment.
std::string variable_error(const VariableSpec& v) {
  if (v.type == "UNKNOWN") return "Environment variable of type 'UNKNOWN' is not allowed";
  const std::string head = "Environment variable '" + v.name + "' of type '" + v.type + "' must ";
  if (v.type == "SECRET") {
    if (!v.has_secret) return head + "have a secret set";
    if (v.has_value) return head + "not have a value set";
    return "";
  }
  if (!v.has_value) return head + "have a value set";
  if (v.has_secret) return head + "not have a secret set";
  return "";
}

}  // namespace

std::string kill_policy_error(const TaskSpec& spec) {
  if (spec.grace_ns && *spec.grace_ns < 0) {
    return "Task's 'kill_policy.grace_period' must be non-negative";
  }
  return "";
}

std::string command_error(const TaskSpec& spec) {
  for (const auto& variable : spec.environment) {
    if (std::string error = variable_error(variable); !error.empty()) {
      return "Task's `CommandInfo` is invalid: " + error;
    }
  }
  return "";
}

std::string container_error(const TaskSpec& spec) {
  if (!spec.has_container) return "";
  const std::string prefix = "Task's `ContainerInfo` is invalid: ";
  for (const auto& volume : spec.volumes) {
    if (std::string error = volume_error(volume); !error.empty()) {
      return prefix + "Invalid volume: " + error;
    }
  }
  if (spec.container_type != "DOCKER") return "";
  if (!spec.has_docker) {
    return prefix + "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo";
  }
  const auto& keys = spec.docker_parameter_keys;
  if (std::find(keys.begin(), keys.end(), "name") != keys.end()) {
    return prefix + "Parameter in DockerInfo must not be 'name'";
  }
  return "";
}

bool ignores_sigterm(const TaskSpec& spec) {
  // The shell idiom a real task uses, or a label for commands that cannot say it.
  const std::string& line = spec.command_line;
  bool trapped = line.find("trap '' TERM") != std::string::npos ||
                 line.find("trap \"\" TERM") != std::string::npos;
  const auto& keys = spec.label_keys;
  return trapped || std::find(keys.begin(), keys.end(), kIgnoreSigtermLabel) != keys.end();
}

}  // namespace mesos_sim
