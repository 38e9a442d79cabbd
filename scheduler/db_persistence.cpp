#include "scheduler/db_persistence.h"

#include "db/agent_store.h"
#include "db/fence.h"
#include "db/framework_store.h"
#include "db/pg_array.h"

namespace scale::scheduler {

// db/ has no batch read of job commands or of job rows by id; these two parameterized SELECTs
// live here until it does (reported to the lead).
std::vector<JobCommand> DbPersistence::commands(
    const std::vector<db::LaunchedExecution>& launched) {
  if (launched.empty()) return {};
  db::ArrayLiteral ids;
  for (const auto& execution : launched) ids.add_integer(execution.job_id);
  const auto rows = connection_().exec(
      "SELECT id, name, command FROM job WHERE id = ANY($1::bigint[])", {ids.str()});
  std::vector<JobCommand> out;
  out.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i)
    out.push_back({rows.integer(i, 0), rows.text(i, 1), rows.text(i, 2)});
  return out;
}

TurnResult DbPersistence::commit(const TurnWrites& writes) {
  TurnResult result;
  db::Fence::run(connection_(), epoch_, [&](db::Connection& conn) {
    if (writes.framework_id) db::FrameworkStore::set(conn, epoch_, {*writes.framework_id, master_});
    if (!writes.agents.empty()) db::AgentStore::upsert_agents(conn, epoch_, writes.agents);
    if (!writes.updates.empty())
      result.outcomes = db::ExecutionStore::apply_updates(conn, epoch_, writes.updates);
    if (!writes.cancel_queued.empty())
      result.canceled = db::ExecutionStore::cancel_queued(conn, epoch_, writes.cancel_queued);
    if (!writes.launches.empty()) {
      result.launched = db::ExecutionStore::record_launches(conn, epoch_, writes.launches);
      result.commands = commands(result.launched);
    }
  });
  return result;
}

std::vector<JobChange> DbPersistence::jobs(const std::vector<long long>& job_ids) {
  if (job_ids.empty()) return {};
  db::ArrayLiteral ids;
  for (long long id : job_ids) ids.add_integer(id);
  const auto rows = connection_().exec(
      "SELECT id, priority, "
      "(extract(epoch FROM COALESCE(queued_at, created_at)) * 1000000)::bigint, "
      "cpus, mem, disk, gpus, status, cancel_requested FROM job WHERE id = ANY($1::bigint[])",
      {ids.str()});
  std::vector<JobChange> out;
  out.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    JobChange change;
    change.entry.job_id = rows.integer(i, 0);
    change.entry.priority = static_cast<int>(rows.integer(i, 1));
    change.entry.queued_at_us = rows.integer(i, 2);
    change.entry.resources = {std::stod(rows.text(i, 3)), std::stod(rows.text(i, 4)),
                              std::stod(rows.text(i, 5)), std::stod(rows.text(i, 6))};
    change.status = rows.text(i, 7);
    change.cancel_requested = rows.boolean(i, 8);
    out.push_back(std::move(change));
  }
  return out;
}

std::vector<db::KillTarget> DbPersistence::jobs_to_kill() {
  return db::ExecutionStore::jobs_to_kill(connection_(), epoch_);
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

}  // namespace scale::scheduler
