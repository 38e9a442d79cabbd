#pragma once

#include <string>
#include <vector>

#include "db/connection.h"

// Fence 2 of DESIGN.md section 2, checked after the fact: a leader-owned row stamped with epoch E
// must have been written before any newer term raised the fence. leadership_term.elected_at is
// taken after the promotion holds the fence row (clock_timestamp()), and a fenced write holds the
// row FOR SHARE from the start of its transaction, whose now() stamps the row; so in a correct
// history every row of epoch E is older than the election of every term after E.
namespace scale::db {

struct StaleWrite {
  std::string table;  // task_update | job_exe
  long long row_id = 0;
  long long epoch = 0;
  std::string written_at;  // ISO-8601 UTC
  long long newer_epoch = 0;
  std::string newer_elected_at;
};

class EpochAudit {
 public:
  // Append-only leader rows (task_update by received_at, job_exe launches by launched_at and
  // launch_epoch) written after a newer term's election; at most `limit` of them.
  static std::vector<StaleWrite> stale_writes(Connection& conn, int limit = 100);
};

}  // namespace scale::db
