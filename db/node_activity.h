#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "db/connection.h"

// Recently finished executions per agent, for the `job_executions` of each node in /v6/status/.
namespace scale::db {

struct AgentExecutionCounts {
  std::string agent_id;
  long long completed = 0;  // FINISHED
  long long failed = 0;     // every other terminal state
};

class NodeActivity {
 public:
  // Executions that ended within `window` (Scale shows the last 3 hours), by agent.
  static std::vector<AgentExecutionCounts> recent_finished(Connection& conn,
                                                           std::chrono::seconds window);
};

}  // namespace scale::db
