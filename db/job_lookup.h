#pragma once

#include <string>
#include <vector>

#include "db/connection.h"
#include "db/execution_store.h"
#include "db/job_status.h"

// Batch reads of job rows by id for the leader's loop: one statement per batch, whatever its size.
namespace scale::db {

// What a TaskLaunch needs from the job row.
struct JobCommand {
  long long job_id = 0;
  std::string name;
  std::string command;
};

// A job row as a NOTIFY on scale_jobs makes the leader look at it.
struct JobIntent {
  QueueEntry entry;
  JobStatus status = JobStatus::Queued;
  bool cancel_requested = false;
};

class JobLookup {
 public:
  // Unknown ids are left out; the order is unspecified.
  static std::vector<JobCommand> commands(Connection& conn, const std::vector<long long>& job_ids);
  static std::vector<JobIntent> intents(Connection& conn, const std::vector<long long>& job_ids);
};

}  // namespace scale::db
