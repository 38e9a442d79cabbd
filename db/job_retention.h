#pragma once

#include "db/connection.h"

// Deletion of old finished jobs with everything that refers to them (job_exe, task_update).
namespace scale::db {

class JobRetention {
 public:
  // Leader-owned, fenced by `epoch` (joins an open Fence::run transaction or opens one): deletes
  // at most `limit` jobs COMPLETED, FAILED or CANCELED whose ended_at is more than `days` days
  // ago, oldest first, with their executions and their executions' task updates. Never a job in
  // another status. Returns how many jobs were deleted.
  static long long delete_finished(Connection& conn, long long epoch, int days, int limit);
};

}  // namespace scale::db
