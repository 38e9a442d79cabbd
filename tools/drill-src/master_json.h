#pragma once

#include <optional>
#include <string>
#include <vector>

// The parts of a real Mesos master's /master/frameworks and /master/slaves answers the drill
// judges (pure parsing, no I/O).
namespace scale::drill {

struct MasterTask {
  std::string id, framework_id, agent_id, state;
  std::string container_id;  // from its statuses' container_status; "" while staging
};

struct MasterFramework {
  std::string id, name;
  bool active = false, connected = false;
  double reregistered_time = 0;  // changes with every (re)subscription to this master
};

struct MasterFrameworks {
  std::vector<MasterFramework> frameworks;  // registered at this master
  std::vector<MasterFramework> completed;   // torn down or failed over past their timeout
  std::vector<MasterTask> tasks;            // tasks, unreachable_tasks and completed_tasks
};

struct MasterAgent {
  std::string id;
  int port = 0;  // from its pid slave(1)@127.0.0.1:PORT
  bool active = false;
};

// nullopt when the body is not the expected JSON.
std::optional<MasterFrameworks> parse_master_frameworks(const std::string& body);
std::optional<std::vector<MasterAgent>> parse_master_slaves(const std::string& body);

// The port a 307 Location of /master/redirect names ("//127.0.0.1:5050" or with a scheme).
std::optional<int> redirect_port(const std::string& location);

bool terminal_task_state(const std::string& state);

}  // namespace scale::drill
