#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/execution_store.h"
#include "db/resources.h"

// What a new leader reads at promotion (DESIGN.md section 2: "load non-terminal state"), in one
// fenced transaction so a term that has already lost the fence learns it here (FencedOut).
// Start LISTENing (scale_jobs, scale_nodes) BEFORE loading: a job submitted during the load is
// then either in the load or announced afterwards, never missed.
namespace scale::db {

// A job_exe row not yet terminal: what reconciliation asks Mesos about.
struct ActiveExecution {
  long long job_id = 0;
  int exe_num = 0;
  std::string task_id;
  std::string agent_id;
  std::string state;  // LAUNCHING, STAGING, STARTING, RUNNING, UNREACHABLE, KILLING
  long long epoch = 0;
};

// A node row as the leader needs it.
struct AgentRecord {
  long long node_id = 0;
  std::string agent_id;
  std::string hostname;
  bool is_active = true;
  bool is_paused = false;
  std::optional<std::string> pause_reason;
  Resources resources;  // the agent's total as last offered
};

struct LeaderState {
  long long queued_jobs = 0;  // how many entries went to the visitor
  std::vector<ActiveExecution> executions;
  std::vector<AgentRecord> agents;
  std::vector<KillTarget> to_kill;  // RUNNING jobs with cancel_requested
};

class LeaderStateLoader {
 public:
  // Streams every QUEUED job to on_queued (in no particular order) and returns the rest. The
  // queue is read through a cursor in batches, so a 1,000,000-job queue never sits in memory as
  // one libpq result.
  static LeaderState load(Connection& conn, long long epoch,
                          const std::function<void(const QueueEntry&)>& on_queued);

  // The pieces of load(), for a caller already inside a transaction (queued_jobs needs one for
  // its cursor and opens one when none is open).
  static long long queued_jobs(Connection& conn,
                               const std::function<void(const QueueEntry&)>& on_queued);
  static std::vector<ActiveExecution> active_executions(Connection& conn);
  static std::vector<AgentRecord> agents(Connection& conn);
};

}  // namespace scale::db
