// ExecutionStore's deadline sweeps: a job's time limit and an agent unreachable for too long.
// Both compare stored times with the database's clock, so the leader keeps no timer state a
// failover could lose: a new term finds what is overdue with the same queries.
#include <string>

#include "db/execution_states.h"
#include "db/execution_store.h"
#include "db/fence.h"
#include "db/store_rows.h"

namespace scale::db {

namespace {

// Only the latest execution of a RUNNING job is timed (an older one is already being dealt with).
// The mark is written once (timed_out_at IS NULL), so each execution is returned once.
const std::string& mark_timed_out_sql() {
  static const std::string sql =
      "UPDATE job_exe e SET timed_out_at = now(), epoch = $1"
      " FROM job j"
      " WHERE j.id = e.job_id AND e.exe_num = j.num_exes AND j.status = 'RUNNING'"
      "   AND j.timeout_s IS NOT NULL AND e.timed_out_at IS NULL AND e.started_at IS NOT NULL"
      "   AND e.started_at + j.timeout_s * interval '1 second' <= now()"
      "   AND e.state NOT IN " +
      exe_state::terminal_list_sql() + " RETURNING j.id, e.task_id, e.agent_id, j.kill_grace_s";
  return sql;
}

// Rows stored UNREACHABLE before migration 007 have no unreachable_at: their last update time.
constexpr const char* kUnreachableExpired = R"SQL(
SELECT e.job_id, e.task_id, e.agent_id, j.kill_grace_s
FROM job_exe e JOIN job j ON j.id = e.job_id
WHERE e.state = 'UNREACHABLE'
  AND COALESCE(e.unreachable_at, e.last_update_at, e.launched_at)
      <= now() - $1::float8 * interval '1 second'
ORDER BY e.job_id, e.exe_num
)SQL";

std::vector<KillTarget> kill_targets(const Result& r) {
  std::vector<KillTarget> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), optional_real_at(r, i, 3)});
  }
  return out;
}

}  // namespace

std::vector<KillTarget> ExecutionStore::mark_timed_out(Connection& conn, long long epoch) {
  std::vector<KillTarget> out;
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    out = kill_targets(c.exec(mark_timed_out_sql(), {std::to_string(epoch)}));
  });
  return out;
}

std::vector<KillTarget> ExecutionStore::unreachable_expired(Connection& conn, long long epoch,
                                                            double timeout_s) {
  std::vector<KillTarget> out;
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    out = kill_targets(c.exec(kUnreachableExpired, {std::to_string(timeout_s)}));
  });
  return out;
}

}  // namespace scale::db
