#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"

// Table `job_bulk_action`: bulk cancels and requeues (POST /v6/jobs/cancel/, /v6/jobs/requeue/).
// Any replica stores the request (a user intent); the leader carries it out in fenced batches.
namespace scale::db {

enum class BulkKind { Cancel, Requeue };
const char* to_string(BulkKind kind);  // "CANCEL", "REQUEUE"

// Which jobs a bulk action touches. Unset filters match every job; at least one must be set.
// `started`/`ended` are ISO-8601 datetimes bounding job.last_modified (inclusive), as Scale's.
struct BulkFilters {
  std::optional<std::vector<long long>> job_ids;
  std::optional<std::string> status;  // a job status name, upper case
  std::optional<std::string> started;
  std::optional<std::string> ended;

  bool empty() const { return !job_ids && !status && !started && !ended; }
};

struct BulkActionRequest {
  BulkKind kind = BulkKind::Cancel;
  BulkFilters filters;
  std::optional<int> priority;  // Requeue only
};

// What one batch of the leader did.
struct BulkBatch {
  long long action_id = 0;
  BulkKind kind = BulkKind::Cancel;
  std::vector<long long> canceled;        // QUEUED -> CANCELED
  std::vector<long long> kill_requested;  // RUNNING, now cancel_requested
  std::vector<long long> requeued;        // FAILED/CANCELED -> QUEUED
  bool done = false;                      // the action has nothing left to do
};

class JobActionStore {
 public:
  // Inserts the request; its trigger NOTIFYs `scale_job_actions`. Returns the row id. Throws
  // Error (sqlstate "22023") for empty filters or a priority on a cancel.
  static long long request(Connection& conn, const BulkActionRequest& request);

  // Leader-owned, fenced by `epoch` (joins an open Fence::run transaction or opens one): one
  // batch of at most `limit` jobs of the oldest unfinished action, marking it done when fewer
  // matched. nullopt when no action is pending. Cancel: jobs created before the request, QUEUED
  // or RUNNING without a kill requested. Requeue: FAILED or CANCELED jobs that ended before the
  // request (so a job requeued and failing again is not requeued twice), given another set of
  // tries, error and end cleared, queued now.
  static std::optional<BulkBatch> run_batch(Connection& conn, long long epoch, int limit);

  // Unfinished actions, oldest first (for tests and diagnostics).
  static std::vector<long long> pending(Connection& conn);
};

}  // namespace scale::db
