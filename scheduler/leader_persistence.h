#pragma once

// What the leader's scheduling core reads from and writes to PostgreSQL, behind a small interface
// so the core can be unit tested with a fake. The real implementation (DbPersistence) runs every
// write of one loop turn in ONE fenced transaction (DESIGN.md section 3: group commit).

#include <optional>
#include <string>
#include <vector>

#include "db/agent_store.h"
#include "db/execution_store.h"
#include "db/job_action_store.h"
#include "db/job_lookup.h"
#include "db/leader_state_loader.h"
#include "db/scheduler_settings_store.h"

namespace scale::scheduler {

// Everything one loop turn wants written; empty parts cost nothing.
struct TurnWrites {
  std::vector<db::Launch> launches;
  std::vector<db::TaskStatusUpdate> updates;
  std::vector<db::AgentSeen> agents;
  std::vector<std::string> agents_gone;  // removed from the cluster (FAILURE without executor)
  std::optional<db::Resources> cluster_totals;  // the active agents' totals, when they changed
  std::optional<std::string> framework_id;      // a new id from SUBSCRIBED
  // Mark the executions past their job's timeout_s (after the updates): they are KILLed once
  // the mark is committed, so the update that follows is known as a timeout in any term.
  bool mark_timeouts = false;

  bool empty() const {
    return launches.empty() && updates.empty() && agents.empty() && agents_gone.empty() &&
           !cluster_totals && !framework_id && !mark_timeouts;
  }
};

// The committed result of a turn: only what is here may be acted on towards Mesos.
struct TurnResult {
  std::vector<db::LaunchedExecution> launched;  // with what each ACCEPT needs
  std::vector<db::UpdateOutcome> outcomes;
  std::vector<db::KillTarget> timed_out;  // marked by mark_timeouts: to KILL now
};

using JobChange = db::JobIntent;

class LeaderPersistence {
 public:
  virtual ~LeaderPersistence() = default;

  // One fenced transaction; throws db::FencedOut when a newer term holds the fence and db::Error
  // on any other failure (then nothing was written).
  virtual TurnResult commit(const TurnWrites& writes) = 0;
  virtual std::vector<JobChange> jobs(const std::vector<long long>& job_ids) = 0;
  virtual std::vector<db::KillTarget> jobs_to_kill() = 0;
  // UNREACHABLE executions whose agent has been unreachable for more than timeout_s (fenced).
  virtual std::vector<db::KillTarget> unreachable_expired(double timeout_s) = 0;
  virtual db::SchedulerSettings settings() = 0;
  virtual std::vector<db::AgentRecord> agents() = 0;
  // Every QUEUED job: a resync after NOTIFYs may have been lost (listener reconnected).
  virtual std::vector<db::QueueEntry> queued_jobs() = 0;
  // Every execution not yet terminal: after a commit whose outcome is unknown (the connection
  // broke during COMMIT), write-ahead rows may exist that were never sent to Mesos.
  virtual std::vector<db::ActiveExecution> active_executions() = 0;
  // One fenced batch of the oldest unfinished bulk action (its own transaction); nullopt when
  // none is pending. Throws like commit().
  virtual std::optional<db::BulkBatch> run_bulk_batch(int limit) = 0;
  // Deletes at most `limit` jobs finished more than `days` days ago, with their executions and
  // updates, in one fenced transaction; returns how many. Throws like commit().
  virtual long long delete_finished_jobs(int days, int limit) = 0;
};

}  // namespace scale::scheduler
