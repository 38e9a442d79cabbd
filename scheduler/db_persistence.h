#pragma once

// LeaderPersistence over the db/ stores, on the leader's own connection, for one term's epoch.

#include <functional>

#include "db/connection.h"
#include "scheduler/leader_persistence.h"

namespace scale::scheduler {

class DbPersistence final : public LeaderPersistence {
 public:
  // `connection` returns the leader's live connection (reopened after a failure) or throws.
  using ConnectionSource = std::function<db::Connection&()>;
  DbPersistence(ConnectionSource connection, long long epoch, std::string master)
      : connection_(std::move(connection)), epoch_(epoch), master_(std::move(master)) {}

  TurnResult commit(const TurnWrites& writes) override;
  std::vector<JobChange> jobs(const std::vector<long long>& job_ids) override;
  std::vector<db::KillTarget> jobs_to_kill() override;
  std::vector<db::KillTarget> unreachable_expired(double timeout_s) override;
  db::SchedulerSettings settings() override;
  std::vector<db::AgentRecord> agents() override;
  std::vector<db::QueueEntry> queued_jobs() override;
  std::vector<db::ActiveExecution> active_executions() override;
  std::optional<db::BulkBatch> run_bulk_batch(int limit) override;
  long long delete_finished_jobs(int days, int limit) override;

 private:
  ConnectionSource connection_;
  long long epoch_;
  std::string master_;
};

}  // namespace scale::scheduler
