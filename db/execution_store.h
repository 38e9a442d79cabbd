#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/resources.h"

// The leader's writes to tables `job`, `job_exe` and `task_update` (DESIGN.md sections 3 and 4).
// Every write runs in Fence::join_or_run(epoch): inside the caller's Fence::run for that epoch
// when one is open on conn (one commit per loop turn), else in its own fenced transaction; either
// way it throws FencedOut once a newer term holds the fence. Each call is ONE statement for the
// whole batch, so a loop turn costs one round trip per kind of write, whatever the batch size.
namespace scale::db {

// A QUEUED job as the leader's in-memory queue needs it.
struct QueueEntry {
  long long job_id = 0;
  int priority = 0;
  long long queued_at_us = 0;  // job.queued_at, microseconds since the Unix epoch
  Resources resources;
  bool operator==(const QueueEntry&) const = default;
};

// One placement the matcher made: job `job_id` on agent `agent_id` with these resources.
struct Launch {
  long long job_id = 0;
  std::string agent_id;
  Resources resources;
};

// An execution row written in state LAUNCHING: the caller may now ACCEPT with this task id, and
// the job's name and command, the rest of what a TaskLaunch needs from the job row.
struct LaunchedExecution {
  long long job_id = 0;
  int exe_num = 0;
  std::string task_id;  // scale_job_<job_id>_<exe_num>
  std::string name;
  std::string command;
  std::string task_spec;               // canonical JSON (db/task_spec.h)
  std::optional<double> kill_grace_s;  // the job's KillPolicy grace
};

// A Mesos TaskStatus as the leader received it.
struct TaskStatusUpdate {
  std::string task_id;
  std::string state;  // Mesos name, e.g. "TASK_RUNNING"
  std::optional<std::string> reason;
  std::optional<std::string> source;
  std::optional<std::string> message;
  std::optional<std::string> uuid;  // base64 as received; nullopt for reconciliation answers
  std::optional<std::string> agent_id;
  double timestamp = 0;  // seconds since the Unix epoch (Mesos); <= 0 means unknown
  // TASK_UNREACHABLE's unreachable_time, seconds since the Unix epoch; <= 0 means unknown.
  double unreachable_time = 0;
};

enum class JobTransition { None, Requeued, Completed, Failed, Canceled };
const char* to_string(JobTransition transition);

// What apply_updates did with one update (same order as the input).
struct UpdateOutcome {
  std::string task_id;
  // The execution's state changed. False for a repeated, older or superseded update, for an
  // execution already terminal, for an unknown task and for a state name this store does not know.
  bool applied = false;
  bool unknown_task = false;  // no execution has this task id
  // Mesos says the task is alive but the database knows no live execution for it (unknown task,
  // or an execution already finished and maybe rerun): the caller should KILL it.
  bool kill = false;
  long long job_id = 0;                // 0 for an unknown task
  std::optional<double> kill_grace_s;  // the job's kill grace, for the KILL `kill` asks for
  JobTransition transition = JobTransition::None;
  std::optional<QueueEntry> requeued;  // set when transition == Requeued: the job's new entry
};

// A live execution the leader wants ended (a cancel asked, its time limit passed, or its agent
// unreachable for too long), and the grace its KILL carries.
struct KillTarget {
  long long job_id = 0;
  std::string task_id;
  std::string agent_id;
  std::optional<double> kill_grace_s;  // the job's KillPolicy grace, sent with the KILL
};

class ExecutionStore {
 public:
  // Write-ahead of a launch. For each job still QUEUED and not cancel_requested: num_exes + 1,
  // RUNNING, started_at if unset, and a LAUNCHING job_exe row (node_id looked up by agent id).
  // Returns only the executions written, in input order; jobs canceled or launched meanwhile are
  // left out and must not be launched. A job listed twice is launched once (its first entry).
  // Throws Error (sqlstate 23505) rather than write an execution twice; the whole batch is then
  // rolled back.
  static std::vector<LaunchedExecution> record_launches(Connection& conn, long long epoch,
                                                        const std::vector<Launch>& launches);

  // Stores status updates idempotently and finishes executions and jobs; see execution_updates.cpp
  // for the state order and the requeue rules. One outcome per update, in input order.
  static std::vector<UpdateOutcome> apply_updates(Connection& conn, long long epoch,
                                                  const std::vector<TaskStatusUpdate>& updates);

  // Live executions to KILL: the latest one of a RUNNING job with cancel_requested, and any one
  // already marked timed out (a KILL a previous term sent may have been lost with it). A read:
  // fenced like the writes so a stale term never acts on it.
  static std::vector<KillTarget> jobs_to_kill(Connection& conn, long long epoch);

  // Deadlines (execution_deadlines.cpp), both computed from stored times so they survive a
  // leader failover.
  // Marks timed_out_at on every live execution whose job has a timeout_s and that started more
  // than timeout_s ago, and returns the ones marked now: the caller KILLs them after the commit,
  // and their terminal update is then classified as a timeout (see apply_updates).
  static std::vector<KillTarget> mark_timed_out(Connection& conn, long long epoch);
  // UNREACHABLE executions whose agent has been unreachable for more than timeout_s (from
  // unreachable_at). A fenced read; the caller ends them through apply_updates.
  static std::vector<KillTarget> unreachable_expired(Connection& conn, long long epoch,
                                                     double timeout_s);
};

}  // namespace scale::db
