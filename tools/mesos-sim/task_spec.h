#pragma once

// The parts of a TaskInfo beyond its id and resources that the master checks at LAUNCH and the
// simulated agent acts on (spec B.1/B.2): container, command environment, labels, kill policy.
// task_reader.cpp decodes them (with the converter's required-field and enum errors, which fail
// the whole call); container_rules.cpp holds the master's per-task checks (TASK_ERROR).

#include <optional>
#include <string>
#include <vector>

#include "json_reader.h"

namespace mesos_sim {

struct VolumeSpec {
  int roots = 0;            // how many of host_path, image, source are set
  bool has_source = false;  // then source_type and whether its sub-message is set
  std::string source_type;  // empty when unset or unknown
  bool source_detail = false;
};

struct VariableSpec {
  std::string name;
  std::string type = "VALUE";  // an unknown name of the optional enum reads as the default
  bool has_value = false, has_secret = false;
};

struct TaskSpec {
  bool has_container = false;
  std::string container_type;  // DOCKER or MESOS
  bool has_docker = false;
  std::vector<std::string> docker_parameter_keys;
  std::string image;  // docker.image, or mesos.image.docker.name
  std::vector<VolumeSpec> volumes;
  std::vector<VariableSpec> environment;
  std::string command_line;  // command.value and arguments, space-separated
  std::vector<std::string> label_keys;
  std::optional<double> grace_ns;  // kill_policy.grace_period.nanoseconds
};

// The label key that makes a simulated task ignore SIGTERM (README "Kill grace").
inline constexpr const char* kIgnoreSigtermLabel = "mesos-sim/ignore-sigterm";

// Reads the TaskInfo fields above; conversion errors and missing required fields go to `r`.
void read_task_spec(JsonReader& r, const rapidjson::Value& info, TaskSpec* spec);
// kill_policy / Kill.kill_policy: the grace period in nanoseconds, if one is given.
std::optional<double> read_kill_policy(JsonReader& r, const rapidjson::Value& parent);

// The master's checks, each "" when it passes (B.2 rows 4, 7, 8 and 9).
std::string kill_policy_error(const TaskSpec& spec);
std::string command_error(const TaskSpec& spec);
std::string container_error(const TaskSpec& spec);
// The simulated command executor: does the task's process ignore SIGTERM?
bool ignores_sigterm(const TaskSpec& spec);

}  // namespace mesos_sim
