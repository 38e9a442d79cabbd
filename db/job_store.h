#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/framework_store.h"
#include "db/job_status.h"
#include "db/resources.h"
#include "db/task_spec.h"

namespace scale::db {

inline constexpr int kDefaultJobPriority = 100;  // Scale's default; lower runs first
inline constexpr int kDefaultMaxTries = 3;
inline constexpr int kMaxMaxTries = 100;
inline constexpr size_t kMaxJobNameLength = 255;
inline constexpr size_t kMaxJobCommandLength = 16384;
inline constexpr double kMaxJobTimeoutSeconds = 30 * 24 * 3600.0;  // a month
inline constexpr double kMaxKillGraceSeconds = 3600.0;

// A job as the user submits it.
struct NewJob {
  std::string name;
  std::string command;  // may be empty when task_spec has a container: the image's entrypoint runs
  Resources resources;
  int priority = kDefaultJobPriority;
  int max_tries = kDefaultMaxTries;
  std::optional<double> timeout_s;     // maximum runtime from TASK_RUNNING; nullopt: none
  std::optional<double> kill_grace_s;  // KillPolicy grace; nullopt: the executor's default
  TaskSpec task_spec;                  // container, args, env, uris, user, labels
};

// A row of table `job`. Timestamps are ISO-8601 UTC; nullopt is NULL.
struct Job {
  long long id = 0;
  std::string name;
  std::string command;
  Resources resources;
  int priority = kDefaultJobPriority;
  JobStatus status = JobStatus::Queued;
  int max_tries = kDefaultMaxTries;
  int num_exes = 0;
  std::optional<std::string> queued_at;
  std::optional<std::string> started_at;
  std::optional<std::string> ended_at;
  std::string created_at;
  std::string last_modified;
  std::optional<std::string> error;
  bool cancel_requested = false;
  std::optional<long long> epoch;
  std::optional<double> timeout_s;
  std::optional<double> kill_grace_s;
  TaskSpec task_spec;
};

// A row of table `job_exe`: one launch of a job.
struct JobExecution {
  long long id = 0;
  int exe_num = 0;
  std::string task_id;
  std::string agent_id;
  std::optional<long long> node_id;
  std::string state;
  long long epoch = 0;
  Resources resources;
  std::string launched_at;
  std::optional<std::string> started_at;
  std::optional<std::string> ended_at;
  std::optional<std::string> last_update_at;
  std::optional<std::string> exit_reason;
  std::optional<std::string> exit_message;
  std::optional<std::string> agent_hostname;  // the node's, once the leader has seen the agent
};

struct JobDetail {
  Job job;
  std::vector<JobExecution> executions;  // by exe_num
  // The framework the executions ran under and the master it was registered with (what a
  // sandbox link needs); nullopt before the first subscription.
  std::optional<FrameworkRecord> framework;
};

// One page of jobs, newest first. `statuses` empty means every status; names must be valid
// (is_job_status) and upper case.
struct JobListQuery {
  std::vector<std::string> statuses;
  long long page = 1;  // from 1
  int page_size = 100;
};
struct JobPage {
  long long count = 0;  // all jobs matching the filter, not just this page
  std::vector<Job> jobs;
  std::string snapshot;  // the one the page was read in (db/visible_snapshot.h)
};

enum class CancelOutcome {
  Canceled,         // was QUEUED: now CANCELED
  CancelRequested,  // RUNNING: cancel_requested set, the leader kills the task
  AlreadyFinished,  // COMPLETED, FAILED or CANCELED: nothing changed
  NotFound,
};
enum class PriorityOutcome {
  Changed,    // was QUEUED: the new priority is stored
  NotQueued,  // RUNNING, finished, or canceled meanwhile: nothing changed
  NotFound,
};
struct PriorityResult {
  PriorityOutcome outcome = PriorityOutcome::NotFound;
  std::optional<Job> job;  // the row after the call, unless NotFound
};

struct CancelResult {
  CancelOutcome outcome = CancelOutcome::NotFound;
  std::optional<Job> job;  // the row after the call, unless NotFound
};

// True for QUEUED, RUNNING, COMPLETED, FAILED, CANCELED (exact, upper case).
bool is_job_status(std::string_view status);

// Why `job` cannot be submitted (empty name, an empty command without a container, args with a
// command, lengths, negative or non-finite resources, neither cpus nor mem, fractional gpus or
// gpus in a DOCKER container, max_tries out of 1..kMaxMaxTries, negative priority, timeout_s out
// of (0, a month], kill_grace_s out of [0, an hour], task_spec_validation_error), or nullopt when
// it is valid. The API and the store apply the same rules.
std::optional<std::string> job_validation_error(const NewJob& job);

// Tables `job` and `job_exe`. Submissions and cancels are user intents any replica may write; the
// triggers of migration 002 NOTIFY `scale_jobs` with the job id.
class JobStore {
 public:
  // Inserts a QUEUED job. Throws Error (sqlstate "22023") when job_validation_error objects.
  static Job submit(Connection& conn, const NewJob& job);
  static JobPage list(Connection& conn, const JobListQuery& query);
  static std::optional<JobDetail> get(Connection& conn, long long id);
  // One statement, so concurrent cancels of a QUEUED job cancel it exactly once and a cancel
  // racing the leader's launch either sees QUEUED (and wins) or RUNNING (and requests a kill).
  static CancelResult cancel(Connection& conn, long long id);
  // A new priority for a QUEUED job (not canceled): one statement, so it cannot race a launch
  // into a RUNNING row. The trigger of migration 006 NOTIFYs scale_jobs and the leader re-sorts.
  static PriorityResult set_priority(Connection& conn, long long id, int priority);
};

}  // namespace scale::db
