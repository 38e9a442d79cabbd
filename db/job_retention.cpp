#include "db/job_retention.h"

#include "db/fence.h"

namespace scale::db {
namespace {

// One statement: the executions and their updates go in the same snapshot as their job, and the
// foreign key from job_exe is checked at its end, when all three are gone. FOR UPDATE keeps a
// requeue committed meanwhile from losing its job (the status is re-checked on the locked row).
constexpr const char* kDeleteFinished = R"SQL(
WITH doomed AS (
  SELECT id FROM job
  WHERE status IN ('COMPLETED', 'FAILED', 'CANCELED')
    AND ended_at < now() - $1::integer * interval '1 day'
  ORDER BY ended_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED
), executions AS (
  DELETE FROM job_exe WHERE job_id IN (SELECT id FROM doomed) RETURNING task_id
), updates AS (
  DELETE FROM task_update WHERE task_id IN (SELECT task_id FROM executions)
)
DELETE FROM job WHERE id IN (SELECT id FROM doomed)
)SQL";

}  // namespace

long long JobRetention::delete_finished(Connection& conn, long long epoch, int days, int limit) {
  long long deleted = 0;
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    deleted = c.exec(kDeleteFinished, {std::to_string(days), std::to_string(limit)}).affected();
  });
  return deleted;
}

}  // namespace scale::db
