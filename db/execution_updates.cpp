// ExecutionStore::apply_updates: Mesos status updates -> task_update, job_exe and job, in one
// statement per batch. State order: db/execution_states.h.
//
// Per batch:
// - Every update is appended to task_update; one redelivered with a (task_id, uuid) already
//   stored is dropped (ON CONFLICT DO NOTHING), so a log row exists once per Mesos update.
// - Per task, the most advanced update of the batch (rank, then Mesos timestamp, then arrival) is
//   the only one that may change job_exe, and only if it is more advanced than the stored state.
// - An execution that becomes terminal finishes its job, but only if it is the job's latest
//   execution and the job is RUNNING (a late update of an older execution never moves the job):
//     FINISHED                          -> COMPLETED
//     any other terminal, cancel asked  -> CANCELED (the user wanted it stopped; no retry)
//     any other terminal, num_exes < max_tries -> QUEUED again (queued_at now, priority kept)
//     any other terminal otherwise      -> FAILED, error "TASK_<state>: <reason>: <message>"
// - An execution the leader marked timed out (timed_out_at, db/execution_deadlines.cpp) that ends
//   other than FINISHED is a timeout: exit_reason 'timeout', and a job that fails for it gets the
//   error "timeout: ...". A cancel asked meanwhile still wins.
// - UNREACHABLE records unreachable_at (the master's unreachable_time, else the update's time);
//   any other state clears it.
#include <string_view>

#include "db/execution_states.h"
#include "db/execution_store.h"
#include "db/fence.h"
#include "db/pg_array.h"
#include "db/store_rows.h"

namespace scale::db {

namespace {

// The statement, with placeholders filled in by apply_updates_sql() from db/execution_states.h:
// {RANK_U} / {RANK_E} the rank of the update's / the stored state, {T} the terminal rank,
// {REQUEUE} / {FAIL} whether a finished execution requeues / fails its job, {TIMED_OUT} whether
// the chosen update ends an execution marked timed out. Every placeholder is fixed SQL of ours;
// values are $1 (epoch) and the arrays $2..$11.
// The final SELECT reads job_exe as it was before the statement (all parts share one snapshot):
// `kill` compares the update with the state stored before this batch.
constexpr std::string_view kApplyUpdatesTemplate = R"SQL(
WITH input AS (
  SELECT u.*, {RANK_U} AS rank, COALESCE(to_timestamp(u.ts), now()) AS at
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
              $8::text[], $9::text[], $10::float8[], $11::float8[])
       WITH ORDINALITY AS u(task_id, mesos_state, state, reason, source, message, uuid,
                            agent_id, ts, unreachable_ts, ord)
), logged AS (
  INSERT INTO task_update (task_id, state, reason, source, message, uuid, agent_id,
                           "timestamp", epoch)
  SELECT task_id, mesos_state, reason, source, message, uuid, agent_id, to_timestamp(ts), $1
  FROM input ORDER BY ord
  ON CONFLICT (task_id, uuid) WHERE uuid IS NOT NULL DO NOTHING
), chosen AS (
  SELECT DISTINCT ON (task_id) * FROM input WHERE rank IS NOT NULL
  ORDER BY task_id, rank DESC, at DESC, ord DESC
), changed AS (
  UPDATE job_exe e
  SET state = c.state, epoch = $1, last_update_at = c.at,
      started_at = CASE WHEN c.state IN ('STARTING', 'RUNNING')
                        THEN COALESCE(e.started_at, now()) ELSE e.started_at END,
      ended_at = CASE WHEN c.rank = {T} THEN now() ELSE e.ended_at END,
      exit_reason = CASE WHEN c.rank = {T} AND {TIMED_OUT} THEN 'timeout'
                         WHEN c.rank = {T} THEN c.reason ELSE e.exit_reason END,
      exit_message = CASE WHEN c.rank = {T} THEN c.message ELSE e.exit_message END,
      unreachable_at = CASE WHEN c.state = 'UNREACHABLE'
                            THEN COALESCE(to_timestamp(c.unreachable_ts), c.at) END
  FROM chosen c
  WHERE e.task_id = c.task_id AND {RANK_E} < {T}
    AND (c.rank > {RANK_E}
         OR (c.rank = {RANK_E} AND c.state <> e.state
             AND c.at > COALESCE(e.last_update_at, '-infinity')))
  RETURNING e.job_id, e.exe_num, c.state, c.rank, c.reason, c.message, c.ord,
            {TIMED_OUT} AS timed_out
), finished AS (
  SELECT DISTINCT ON (job_id) * FROM changed WHERE rank = {T} ORDER BY job_id, exe_num DESC
), jobs AS (
  UPDATE job j
  SET status = CASE WHEN f.state = 'FINISHED' THEN 'COMPLETED'
                    WHEN j.cancel_requested THEN 'CANCELED'
                    WHEN j.num_exes < j.max_tries THEN 'QUEUED'
                    ELSE 'FAILED' END,
      queued_at = CASE WHEN {REQUEUE} THEN now() ELSE j.queued_at END,
      ended_at = CASE WHEN {REQUEUE} THEN j.ended_at ELSE now() END,
      error = CASE WHEN {FAIL} AND f.timed_out
                   THEN concat_ws(': ', 'timeout',
                                  'ran longer than its timeout_s of ' || j.timeout_s || ' s',
                                  'TASK_' || f.state)
                   WHEN {FAIL}
                   THEN concat_ws(': ', 'TASK_' || f.state, NULLIF(f.reason, ''),
                                  NULLIF(f.message, ''))
                   ELSE j.error END,
      epoch = $1, last_modified = now()
  FROM finished f
  WHERE j.id = f.job_id AND j.status = 'RUNNING' AND j.num_exes = f.exe_num
  RETURNING j.id, j.status, j.priority,
            (extract(epoch FROM j.queued_at) * 1000000)::bigint AS queued_at_us,
            j.cpus, j.mem, j.disk, j.gpus, f.ord
)
SELECT i.task_id, c.ord IS NOT NULL, e.id IS NULL,
       COALESCE(i.rank < {T} AND (e.id IS NULL OR {RANK_E} = {T}), false),
       e.job_id, jb.status, jb.priority, jb.queued_at_us, jb.cpus, jb.mem, jb.disk, jb.gpus,
       jk.kill_grace_s
FROM input i
LEFT JOIN job_exe e ON e.task_id = i.task_id
LEFT JOIN job jk ON jk.id = e.job_id
LEFT JOIN changed c ON c.ord = i.ord
LEFT JOIN jobs jb ON jb.ord = i.ord
ORDER BY i.ord
)SQL";

void replace_all(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

const std::string& apply_updates_sql() {
  static const std::string sql = [] {
    const std::string not_finished = "f.state <> 'FINISHED' AND NOT j.cancel_requested";
    std::string text(kApplyUpdatesTemplate);
    replace_all(text, "{RANK_U}", exe_state::rank_sql("u.state"));
    replace_all(text, "{RANK_E}", exe_state::rank_sql("e.state"));
    replace_all(text, "{T}", std::to_string(exe_state::kTerminalRank));
    replace_all(text, "{REQUEUE}", "(" + not_finished + " AND j.num_exes < j.max_tries)");
    replace_all(text, "{FAIL}", "(" + not_finished + " AND j.num_exes >= j.max_tries)");
    replace_all(text, "{TIMED_OUT}", "(e.timed_out_at IS NOT NULL AND c.state <> 'FINISHED')");
    return text;
  }();
  return sql;
}

// The batch as the statement's array parameters ($2..$11).
Params update_params(long long epoch, const std::vector<TaskStatusUpdate>& updates) {
  ArrayLiteral task, mesos_state, state, reason, source, message, uuid, agent, ts, unreachable;
  const auto optional_text = [](ArrayLiteral& a, const std::optional<std::string>& v) {
    v ? a.add_text(*v) : a.add_null();
  };
  for (const TaskStatusUpdate& u : updates) {
    task.add_text(u.task_id);
    mesos_state.add_text(u.state);
    optional_text(state, exe_state::from_mesos(u.state));
    optional_text(reason, u.reason);
    optional_text(source, u.source);
    optional_text(message, u.message);
    optional_text(uuid, u.uuid);
    optional_text(agent, u.agent_id);
    u.timestamp > 0 ? ts.add_real(u.timestamp) : ts.add_null();
    u.unreachable_time > 0 ? unreachable.add_real(u.unreachable_time) : unreachable.add_null();
  }
  return {std::to_string(epoch), task.str(),   mesos_state.str(), state.str(),
          reason.str(),          source.str(), message.str(),     uuid.str(),
          agent.str(),           ts.str(),     unreachable.str()};
}

JobTransition transition_of(JobStatus status) {
  switch (status) {
    case JobStatus::Queued:
      return JobTransition::Requeued;
    case JobStatus::Completed:
      return JobTransition::Completed;
    case JobStatus::Failed:
      return JobTransition::Failed;
    case JobStatus::Canceled:
      return JobTransition::Canceled;
    case JobStatus::Running:
      break;
  }
  return JobTransition::None;
}

UpdateOutcome outcome_at(const Result& r, int row) {
  UpdateOutcome o;
  o.task_id = r.text(row, 0);
  o.applied = r.boolean(row, 1);
  o.unknown_task = r.boolean(row, 2);
  o.kill = r.boolean(row, 3);
  o.job_id = r.is_null(row, 4) ? 0 : r.integer(row, 4);
  o.kill_grace_s = optional_real_at(r, row, 12);
  if (r.is_null(row, 5)) return o;
  o.transition = transition_of(job_status_at(r, row, 5));
  if (o.transition == JobTransition::Requeued) {
    o.requeued = QueueEntry{o.job_id, static_cast<int>(r.integer(row, 6)), r.integer(row, 7),
                            resources_at(r, row, 8)};
  }
  return o;
}

}  // namespace

std::vector<UpdateOutcome> ExecutionStore::apply_updates(
    Connection& conn, long long epoch, const std::vector<TaskStatusUpdate>& updates) {
  std::vector<UpdateOutcome> out;
  if (updates.empty()) return out;
  const Params params = update_params(epoch, updates);
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    Result r = c.exec(apply_updates_sql(), params);
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) out.push_back(outcome_at(r, i));
  });
  return out;
}

}  // namespace scale::db
