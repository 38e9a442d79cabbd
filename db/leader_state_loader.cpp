#include "db/leader_state_loader.h"

#include "db/execution_states.h"
#include "db/fence.h"
#include "db/store_rows.h"

namespace scale::db {

namespace {

// No ORDER BY: the caller's queue index orders the jobs itself, and a sort of a million rows
// would only delay the first batch. queued_at is never NULL for a job written by JobStore; the
// COALESCE keeps a hand-written row from breaking promotion.
constexpr const char* kDeclareQueueCursor = R"SQL(
DECLARE leader_queue NO SCROLL CURSOR FOR
SELECT id, priority,
       (extract(epoch FROM COALESCE(queued_at, created_at)) * 1000000)::bigint,
       cpus, mem, disk, gpus
FROM job WHERE status = 'QUEUED'
)SQL";

// Rows per FETCH: big enough that round trips do not matter (about 50 per million), small enough
// that one batch is a few MB of libpq memory.
constexpr const char* kFetchQueue = "FETCH FORWARD 20000 FROM leader_queue";
constexpr int kFetchRows = 20000;

const std::string& active_executions_sql() {
  static const std::string sql =
      "SELECT job_id, exe_num, task_id, agent_id, state, epoch FROM job_exe"
      " WHERE state NOT IN " +
      exe_state::terminal_list_sql() + " ORDER BY job_id, exe_num";
  return sql;
}

constexpr const char* kAgents = R"SQL(
SELECT id, agent_id, hostname, is_active, is_paused, pause_reason, cpus, mem, disk, gpus
FROM node ORDER BY id
)SQL";

long long read_queue(Connection& c, const std::function<void(const QueueEntry&)>& on_queued) {
  c.exec(kDeclareQueueCursor);
  long long total = 0;
  for (;;) {
    Result r = c.exec(kFetchQueue);
    for (int i = 0; i < r.rows(); ++i) {
      on_queued(QueueEntry{r.integer(i, 0), static_cast<int>(r.integer(i, 1)), r.integer(i, 2),
                           resources_at(r, i, 3)});
    }
    total += r.rows();
    if (r.rows() < kFetchRows) break;
  }
  c.exec("CLOSE leader_queue");
  return total;
}

}  // namespace

long long LeaderStateLoader::queued_jobs(Connection& conn,
                                         const std::function<void(const QueueEntry&)>& on_queued) {
  if (conn.in_transaction()) return read_queue(conn, on_queued);
  long long total = 0;
  conn.transaction([&](Connection& c) { total = read_queue(c, on_queued); });
  return total;
}

std::vector<ActiveExecution> LeaderStateLoader::active_executions(Connection& conn) {
  Result r = conn.exec(active_executions_sql());
  std::vector<ActiveExecution> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.integer(i, 0), static_cast<int>(r.integer(i, 1)), r.text(i, 2), r.text(i, 3),
                   r.text(i, 4), r.integer(i, 5)});
  }
  return out;
}

std::vector<AgentRecord> LeaderStateLoader::agents(Connection& conn) {
  Result r = conn.exec(kAgents);
  std::vector<AgentRecord> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.boolean(i, 3), r.boolean(i, 4),
                   r.get(i, 5), resources_at(r, i, 6)});
  }
  return out;
}

LeaderState LeaderStateLoader::load(Connection& conn, long long epoch,
                                    const std::function<void(const QueueEntry&)>& on_queued) {
  LeaderState state;
  // Only the leader writes job_exe and launches jobs, and this term has not started yet, so READ
  // COMMITTED is consistent enough: user writes racing the load arrive by NOTIFY afterwards.
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    state.queued_jobs = read_queue(c, on_queued);
    state.executions = active_executions(c);
    state.agents = agents(c);
    state.to_kill = ExecutionStore::jobs_to_kill(c, epoch);
  });
  return state;
}

}  // namespace scale::db
