#include "db/execution_store.h"

#include "db/execution_states.h"
#include "db/fence.h"
#include "db/pg_array.h"
#include "db/store_rows.h"

namespace scale::db {

namespace {

// $1 epoch; $2..$7 arrays of job id, agent id, cpus, mem, disk, gpus. The job UPDATE re-checks
// QUEUED and cancel_requested on the row it locks (READ COMMITTED re-evaluates the WHERE after
// waiting for a concurrent cancel), so a job canceled after the matcher picked it is skipped.
// num_exes is bumped in the same statement that inserts exe_num = num_exes: the unique
// (job_id, exe_num) and task_id make any second write of an execution fail, never duplicate.
// The job's name, command, task spec and kill grace come back from the row the UPDATE locked, so
// the ACCEPT needs no second read of it. `written` runs whether or not it is read (a data-changing
// WITH always does) and inserts every launched row or fails the statement, so the answer comes
// from `launched` alone: joining the two CTEs, neither indexed, made a 20,000-launch commit take
// most of a minute.
constexpr const char* kRecordLaunches = R"SQL(
WITH input AS (
  SELECT DISTINCT ON (u.job_id) u.*
  FROM unnest($2::bigint[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
       WITH ORDINALITY AS u(job_id, agent_id, cpus, mem, disk, gpus, ord)
  ORDER BY u.job_id, u.ord
), launched AS (
  UPDATE job j
  SET num_exes = j.num_exes + 1, status = 'RUNNING', started_at = COALESCE(j.started_at, now()),
      epoch = $1, last_modified = now()
  FROM input i
  WHERE j.id = i.job_id AND j.status = 'QUEUED' AND NOT j.cancel_requested
  RETURNING j.id AS job_id, j.num_exes AS exe_num, j.name, j.command, j.task_spec, j.kill_grace_s,
            i.agent_id, i.cpus, i.mem, i.disk, i.gpus, i.ord
), written AS (
  INSERT INTO job_exe (job_id, exe_num, task_id, agent_id, node_id, state, epoch, launch_epoch,
                       cpus, mem, disk, gpus)
  SELECT l.job_id, l.exe_num, 'scale_job_' || l.job_id || '_' || l.exe_num, l.agent_id, n.id,
         'LAUNCHING', $1, $1, l.cpus, l.mem, l.disk, l.gpus
  FROM launched l LEFT JOIN node n ON n.agent_id = l.agent_id
)
SELECT l.job_id, l.exe_num, 'scale_job_' || l.job_id || '_' || l.exe_num, l.name, l.command,
       l.task_spec::text, l.kill_grace_s
FROM launched l
ORDER BY l.ord
)SQL";

// The latest execution (exe_num = num_exes) is the only one a RUNNING job can have alive; one
// marked timed out is killed whatever its job became since.
const std::string& jobs_to_kill_sql() {
  static const std::string sql =
      "SELECT j.id, e.task_id, e.agent_id, j.kill_grace_s FROM job j"
      " JOIN job_exe e ON e.job_id = j.id"
      " WHERE e.state NOT IN " +
      exe_state::terminal_list_sql() +
      " AND ((j.status = 'RUNNING' AND j.cancel_requested AND e.exe_num = j.num_exes)"
      "      OR e.timed_out_at IS NOT NULL)"
      " ORDER BY j.id, e.exe_num";
  return sql;
}

}  // namespace

const char* to_string(JobTransition transition) {
  switch (transition) {
    case JobTransition::None:
      return "none";
    case JobTransition::Requeued:
      return "requeued";
    case JobTransition::Completed:
      return "completed";
    case JobTransition::Failed:
      return "failed";
    case JobTransition::Canceled:
      return "canceled";
  }
  return "?";
}

std::vector<LaunchedExecution> ExecutionStore::record_launches(
    Connection& conn, long long epoch, const std::vector<Launch>& launches) {
  std::vector<LaunchedExecution> out;
  if (launches.empty()) return out;
  ArrayLiteral ids, agents, cpus, mem, disk, gpus;
  for (const Launch& l : launches) {
    ids.add_integer(l.job_id);
    agents.add_text(l.agent_id);
    cpus.add_real(l.resources.cpus);
    mem.add_real(l.resources.mem);
    disk.add_real(l.resources.disk);
    gpus.add_real(l.resources.gpus);
  }
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    Result r = c.exec(kRecordLaunches, {std::to_string(epoch), ids.str(), agents.str(), cpus.str(),
                                        mem.str(), disk.str(), gpus.str()});
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.integer(i, 0), static_cast<int>(r.integer(i, 1)), r.text(i, 2), r.text(i, 3),
                     r.text(i, 4), r.text(i, 5), optional_real_at(r, i, 6)});
    }
  });
  return out;
}

std::vector<KillTarget> ExecutionStore::jobs_to_kill(Connection& conn, long long epoch) {
  std::vector<KillTarget> out;
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    Result r = c.exec(jobs_to_kill_sql());
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), optional_real_at(r, i, 3)});
    }
  });
  return out;
}

}  // namespace scale::db
