#pragma once

// What a real Mesos master says about a framework, read from its own endpoints (/master/tasks,
// /master/frameworks, /metrics/snapshot): the judge of the real-Mesos suite.

#include <map>
#include <string>
#include <vector>

#include "tests/support/real_mesos.h"

namespace scale::test {

struct MasterTask {
  std::string state;     // TASK_*
  std::string agent_id;  // slave_id
  int copies = 0;        // how often the id appears (a task launched twice appears twice)
};

// Every task of the framework the master knows (active, unreachable and completed), by id.
std::map<std::string, MasterTask> master_tasks(const RealMesos& mesos,
                                               const std::string& framework_id);

// The tasks of the framework an agent knows (running, and completed ones it still keeps), by id,
// with the last state the agent recorded.
std::map<std::string, std::string> agent_tasks(const RealMesos& mesos, int agent,
                                               const std::string& framework_id);

struct MasterMetrics {
  long long acknowledgements = 0;          // master/messages_status_update_acknowledgement
  long long valid_updates = 0;             // master/valid_status_updates (from agents, with uuid)
  long long invalid_acknowledgements = 0;  // master/invalid_status_update_acknowledgements
  long long subscribe_calls = 0;           // SUBSCRIBEs of every framework, summed
};
MasterMetrics master_metrics(const RealMesos& mesos);

struct MasterFramework {
  std::string id;
  std::string name;
  bool active = false;
  bool connected = false;
  bool completed = false;  // torn down or failed over for good
  // Tasks the master still holds as active: running ones, and finished ones whose terminal
  // update is not acknowledged yet (the master drops a task when that acknowledgement arrives).
  int active_tasks = 0;
};
// Active and completed frameworks the master knows.
std::vector<MasterFramework> master_frameworks(const RealMesos& mesos);

bool framework_completed(const RealMesos& mesos, const std::string& framework_id);
// The master's per-role metric says the framework's role is suppressed.
bool framework_suppressed(const RealMesos& mesos, const std::string& framework_id,
                          const std::string& role);

}  // namespace scale::test
