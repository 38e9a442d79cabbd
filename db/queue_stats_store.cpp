#include "db/queue_stats_store.h"

#include "db/store_rows.h"

namespace scale::db {

QueuedResources QueueStatsStore::read(Connection& conn) {
  QueuedResources totals;
  in_snapshot(conn, [&](Connection& c) {
    Result cluster = c.exec("SELECT cpus, mem, disk, gpus FROM cluster_resources WHERE id = 1");
    if (cluster.rows() == 1) totals.cluster = resources_at(cluster, 0, 0);
    // Only the live states: finished jobs pile up forever and are never read here.
    Result rows = c.exec(
        "SELECT status, count(*), coalesce(sum(cpus), 0), coalesce(sum(mem), 0),"
        " coalesce(sum(disk), 0), coalesce(sum(gpus), 0)"
        " FROM job WHERE status IN ('QUEUED', 'RUNNING') GROUP BY status");
    for (int i = 0; i < rows.rows(); ++i) {
      QueueStateTotals state{rows.integer(i, 1), resources_at(rows, i, 2)};
      (job_status_at(rows, i, 0) == JobStatus::Queued ? totals.queued : totals.running) = state;
    }
  });
  return totals;
}

QueueCounts QueueStatsStore::counts(Connection& conn) {
  QueueCounts counts;
  Result rows = conn.exec(
      "SELECT status, count(*) FROM job WHERE status IN ('QUEUED', 'RUNNING') GROUP BY status");
  for (int i = 0; i < rows.rows(); ++i) {
    (job_status_at(rows, i, 0) == JobStatus::Queued ? counts.queued : counts.running) =
        rows.integer(i, 1);
  }
  return counts;
}

std::vector<PriorityCounts> QueueStatsStore::by_priority(Connection& conn) {
  Result rows = conn.exec(
      "SELECT priority, count(*) FILTER (WHERE status = 'QUEUED'),"
      " count(*) FILTER (WHERE status = 'RUNNING')"
      " FROM job WHERE status IN ('QUEUED', 'RUNNING') GROUP BY priority ORDER BY priority");
  std::vector<PriorityCounts> out;
  out.reserve(static_cast<size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) {
    out.push_back({static_cast<int>(rows.integer(i, 0)), rows.integer(i, 1), rows.integer(i, 2)});
  }
  return out;
}

}  // namespace scale::db
