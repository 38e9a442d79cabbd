#include "db/epoch_audit.h"

namespace scale::db {

namespace {

// The earliest newer term per offending row is enough to prove the violation.
constexpr const char* kStaleWrites = R"SQL(
WITH rows AS (
  SELECT 'task_update' AS tbl, id, epoch, received_at AS written_at FROM task_update
  UNION ALL
  SELECT 'job_exe', id, COALESCE(launch_epoch, epoch), launched_at FROM job_exe
)
SELECT r.tbl, r.id, r.epoch,
       to_char(r.written_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       n.epoch,
       to_char(n.elected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
FROM rows r
CROSS JOIN LATERAL (
  SELECT t.epoch, t.elected_at FROM leadership_term t
  WHERE t.epoch > r.epoch AND t.elected_at < r.written_at
  ORDER BY t.epoch LIMIT 1
) n
ORDER BY r.tbl, r.id
LIMIT $1
)SQL";

}  // namespace

std::vector<StaleWrite> EpochAudit::stale_writes(Connection& conn, int limit) {
  const Result rows = conn.exec(kStaleWrites, {std::to_string(limit)});
  std::vector<StaleWrite> out;
  out.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    out.push_back({rows.text(i, 0), rows.integer(i, 1), rows.integer(i, 2), rows.text(i, 3),
                   rows.integer(i, 4), rows.text(i, 5)});
  }
  return out;
}

}  // namespace scale::db
