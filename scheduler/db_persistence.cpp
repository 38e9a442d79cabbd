#include "scheduler/db_persistence.h"

#include "db/agent_store.h"
#include "db/fence.h"
#include "db/framework_store.h"
#include "db/job_lookup.h"
#include "db/job_retention.h"

namespace scale::scheduler {

TurnResult DbPersistence::commit(const TurnWrites& writes) {
  TurnResult result;
  db::Fence::run(connection_(), epoch_, [&](db::Connection& conn) {
    if (writes.framework_id) db::FrameworkStore::set(conn, epoch_, {*writes.framework_id, master_});
    if (!writes.agents.empty()) db::AgentStore::upsert_agents(conn, epoch_, writes.agents);
    if (!writes.agents_gone.empty())
      db::AgentStore::mark_agents_inactive(conn, epoch_, writes.agents_gone);
    if (writes.cluster_totals)
      db::AgentStore::set_cluster_resources(conn, epoch_, *writes.cluster_totals);
    if (!writes.updates.empty())
      result.outcomes = db::ExecutionStore::apply_updates(conn, epoch_, writes.updates);
    if (!writes.launches.empty())
      result.launched = db::ExecutionStore::record_launches(conn, epoch_, writes.launches);
    if (writes.mark_timeouts) result.timed_out = db::ExecutionStore::mark_timed_out(conn, epoch_);
  });
  return result;
}

std::vector<JobChange> DbPersistence::jobs(const std::vector<long long>& job_ids) {
  return db::JobLookup::intents(connection_(), job_ids);
}

std::vector<db::KillTarget> DbPersistence::jobs_to_kill() {
  return db::ExecutionStore::jobs_to_kill(connection_(), epoch_);
}

std::vector<db::KillTarget> DbPersistence::unreachable_expired(double timeout_s) {
  return db::ExecutionStore::unreachable_expired(connection_(), epoch_, timeout_s);
}

db::SchedulerSettings DbPersistence::settings() {
  return db::SchedulerSettingsStore::get(connection_());
}

std::vector<db::AgentRecord> DbPersistence::agents() {
  return db::LeaderStateLoader::agents(connection_());
}

std::vector<db::QueueEntry> DbPersistence::queued_jobs() {
  std::vector<db::QueueEntry> out;
  db::LeaderStateLoader::queued_jobs(connection_(),
                                     [&](const db::QueueEntry& entry) { out.push_back(entry); });
  return out;
}

std::vector<db::ActiveExecution> DbPersistence::active_executions() {
  return db::LeaderStateLoader::active_executions(connection_());
}

std::optional<db::BulkBatch> DbPersistence::run_bulk_batch(int limit) {
  return db::JobActionStore::run_batch(connection_(), epoch_, limit);
}

long long DbPersistence::delete_finished_jobs(int days, int limit) {
  return db::JobRetention::delete_finished(connection_(), epoch_, days, limit);
}

}  // namespace scale::scheduler
