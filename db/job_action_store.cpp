#include "db/job_action_store.h"

#include "db/error.h"
#include "db/fence.h"
#include "db/job_status.h"
#include "db/pg_array.h"

namespace scale::db {
namespace {

// The jobs an action matches, in id order: $2 the action, $3 the batch size. `eligible` is the
// kind's own condition on job j and action a.
std::string picked(const std::string& eligible) {
  return "a AS (SELECT * FROM job_bulk_action WHERE id = $2),"
         " picked AS (SELECT j.id FROM job j, a WHERE " +
         eligible +
         " AND (a.job_ids IS NULL OR j.id = ANY(a.job_ids))"
         " AND (a.status IS NULL OR j.status = a.status)"
         " AND (a.started IS NULL OR j.last_modified >= a.started)"
         " AND (a.ended IS NULL OR j.last_modified <= a.ended)"
         " ORDER BY j.id LIMIT $3)";
}

// Both return (picked count, changed id, its new status or REQUEUED); one row with NULL id when
// nothing changed. The UPDATEs re-check the status on the row they lock (READ COMMITTED
// re-evaluates the WHERE after a concurrent write), as JobStore::cancel does.
const std::string& cancel_sql() {
  static const std::string sql =
      "WITH " +
      picked(
          "j.created_at <= a.requested_at AND (j.status = 'QUEUED'"
          " OR (j.status = 'RUNNING' AND NOT j.cancel_requested))") +
      ", changed AS (UPDATE job SET cancel_requested = true, last_modified = now(), epoch = $1,"
      " status = CASE WHEN status = 'QUEUED' THEN 'CANCELED' ELSE status END,"
      " ended_at = CASE WHEN status = 'QUEUED' THEN now() ELSE ended_at END"
      " WHERE id IN (SELECT id FROM picked)"
      " AND (status = 'QUEUED' OR (status = 'RUNNING' AND NOT cancel_requested))"
      " RETURNING id, status)"
      " SELECT (SELECT count(*) FROM picked), c.id, c.status FROM (SELECT 1) one"
      " LEFT JOIN changed c ON true";
  return sql;
}

// Another set of tries, as Scale: num_exes is kept and max_tries becomes num_exes plus the tries
// of one set (the submitted max_tries, remembered in tries_per_set at the first requeue).
const std::string& requeue_sql() {
  static const std::string sql =
      "WITH " + picked("j.status IN ('FAILED', 'CANCELED') AND j.ended_at <= a.requested_at") +
      ", changed AS (UPDATE job j SET status = 'QUEUED', error = NULL, cancel_requested = false,"
      " queued_at = now(), ended_at = NULL, last_modified = now(), epoch = $1,"
      " tries_per_set = COALESCE(j.tries_per_set, j.max_tries),"
      " max_tries = j.num_exes + COALESCE(j.tries_per_set, j.max_tries),"
      " priority = COALESCE(a.priority, j.priority)"
      " FROM a WHERE j.id IN (SELECT id FROM picked) AND j.status IN ('FAILED', 'CANCELED')"
      " RETURNING j.id, 'REQUEUED' AS status)"
      " SELECT (SELECT count(*) FROM picked), c.id, c.status FROM (SELECT 1) one"
      " LEFT JOIN changed c ON true";
  return sql;
}

Param job_ids_param(const std::optional<std::vector<long long>>& ids) {
  if (!ids) return std::nullopt;
  ArrayLiteral literal;
  for (long long id : *ids) literal.add_integer(id);
  return literal.str();
}

void run_one(Connection& conn, long long epoch, int limit, BulkBatch& batch) {
  Result rows =
      conn.exec(batch.kind == BulkKind::Cancel ? cancel_sql() : requeue_sql(),
                {std::to_string(epoch), std::to_string(batch.action_id), std::to_string(limit)});
  if (rows.rows() == 0) throw Error("db: the bulk batch returned no row");
  batch.done = rows.integer(0, 0) < limit;
  for (int i = 0; i < rows.rows(); ++i) {
    if (rows.is_null(i, 1)) continue;
    const long long id = rows.integer(i, 1);
    // The job's new status from a cancel; REQUEUED, which is no job status, from a requeue.
    const auto status = job_status_from(rows.text(i, 2));
    if (status == JobStatus::Canceled) {
      batch.canceled.push_back(id);
    } else if (status == JobStatus::Running) {
      batch.kill_requested.push_back(id);
    } else {
      batch.requeued.push_back(id);
    }
  }
  conn.exec(
      "UPDATE job_bulk_action SET jobs_canceled = jobs_canceled + $2,"
      " jobs_kill_requested = jobs_kill_requested + $3, jobs_requeued = jobs_requeued + $4,"
      " epoch = $1, done_at = CASE WHEN $5::boolean THEN now() END WHERE id = $6",
      {std::to_string(epoch), std::to_string(batch.canceled.size()),
       std::to_string(batch.kill_requested.size()), std::to_string(batch.requeued.size()),
       batch.done ? "true" : "false", std::to_string(batch.action_id)});
}

}  // namespace

const char* to_string(BulkKind kind) {
  return kind == BulkKind::Cancel ? "CANCEL" : "REQUEUE";
}

long long JobActionStore::request(Connection& conn, const BulkActionRequest& request) {
  if (request.filters.empty()) throw Error("db: a bulk action needs a filter", "22023");
  if (request.kind == BulkKind::Cancel && request.priority) {
    throw Error("db: a bulk cancel takes no priority", "22023");
  }
  const auto& f = request.filters;
  Result row = conn.exec(
      "INSERT INTO job_bulk_action (kind, job_ids, status, started, ended, priority)"
      " VALUES ($1, $2::bigint[], $3, $4::timestamptz, $5::timestamptz, $6::integer) RETURNING id",
      {to_string(request.kind), job_ids_param(f.job_ids), f.status, f.started, f.ended,
       request.priority ? Param(std::to_string(*request.priority)) : std::nullopt});
  return row.integer(0, 0);
}

std::optional<BulkBatch> JobActionStore::run_batch(Connection& conn, long long epoch, int limit) {
  std::optional<BulkBatch> batch;
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    Result next = c.exec(
        "SELECT id, kind FROM job_bulk_action WHERE done_at IS NULL ORDER BY id LIMIT 1"
        " FOR UPDATE");
    if (next.rows() == 0) return;
    batch.emplace();
    batch->action_id = next.integer(0, 0);
    batch->kind = next.text(0, 1) == "CANCEL" ? BulkKind::Cancel : BulkKind::Requeue;
    run_one(c, epoch, limit, *batch);
  });
  return batch;
}

std::vector<long long> JobActionStore::pending(Connection& conn) {
  Result rows = conn.exec("SELECT id FROM job_bulk_action WHERE done_at IS NULL ORDER BY id");
  std::vector<long long> out;
  for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.integer(i, 0));
  return out;
}

}  // namespace scale::db
