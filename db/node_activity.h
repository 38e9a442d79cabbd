#pragma once

#include <chrono>
#include <map>
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

// The counts of recent_finished kept up to date by reading only the executions that ended, or
// left the window, since the previous read. Counting the whole window at every status write (each
// second or so) costs as much as the executions of the last 3 hours: while a 1,000,000-job
// backlog drains that is most of them, and PostgreSQL's time per job grew with the backlog.
//
// Exact while every execution's ended_at is written by transactions that finish before the next
// read starts, as the leader's are on its one connection (ended_at is its transaction's now()).
// reset() whenever that may not hold (a new term, a new connection); the counts are also read
// afresh every `recount_every`, and whenever the server's clock moved back or by a window or more.
class RecentActivity {
 public:
  explicit RecentActivity(std::chrono::seconds window,
                          std::chrono::seconds recount_every = std::chrono::minutes(10));

  // By agent id; call inside a transaction (one now() for all its statements).
  std::vector<AgentExecutionCounts> read(Connection& conn);
  void reset() { counted_ = false; }

 private:
  void recount(Connection& conn, const std::string& upper);
  void advance(Connection& conn, const std::string& upper);

  const std::chrono::seconds window_;
  const std::chrono::seconds recount_every_;
  bool counted_ = false;
  std::string upper_;  // the server's now() at the last read, as text (it reads back exactly)
  std::chrono::steady_clock::time_point counted_at_;
  std::map<std::string, AgentExecutionCounts> counts_;  // by agent id
};

}  // namespace scale::db
