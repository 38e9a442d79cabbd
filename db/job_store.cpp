#include "db/job_store.h"

#include <array>
#include <cmath>

#include "db/job_status.h"
#include "db/store_rows.h"
#include "db/visible_snapshot.h"

namespace scale::db {
namespace {

// Columns of `job` in the order job_from_row reads them.
const std::string& job_columns() {
  static const std::string columns =
      "id, name, command, cpus, mem, disk, gpus, priority, status, max_tries, num_exes, " +
      iso_utc("queued_at") + ", " + iso_utc("started_at") + ", " + iso_utc("ended_at") + ", " +
      iso_utc("created_at") + ", " + iso_utc("last_modified") +
      ", error, cancel_requested, epoch, timeout_s, kill_grace_s, task_spec::text";
  return columns;
}

const std::string& execution_columns() {
  static const std::string columns =
      "id, exe_num, task_id, agent_id, node_id, state, epoch, cpus, mem, disk, gpus, " +
      iso_utc("launched_at") + ", " + iso_utc("started_at") + ", " + iso_utc("ended_at") + ", " +
      iso_utc("last_update_at") +
      ", exit_reason, exit_message,"
      " NULLIF((SELECT n.hostname FROM node n WHERE n.id = job_exe.node_id), '')";
  return columns;
}

// Only task_spec_json ever writes the column; a spec that does not read back was edited by hand,
// and showing it as empty would hide that.
TaskSpec task_spec_at(const Result& r, int row, int col, long long job_id) {
  std::string error;
  auto spec = parse_task_spec(r.text(row, col), error);
  if (!spec)
    throw Error("db: job " + std::to_string(job_id) + " has an unreadable task_spec: " + error);
  return std::move(*spec);
}

Job job_from_row(const Result& r, int row) {
  Job job;
  job.id = r.integer(row, 0);
  job.name = r.text(row, 1);
  job.command = r.text(row, 2);
  job.resources = resources_at(r, row, 3);
  job.priority = static_cast<int>(r.integer(row, 7));
  job.status = job_status_at(r, row, 8);
  job.max_tries = static_cast<int>(r.integer(row, 9));
  job.num_exes = static_cast<int>(r.integer(row, 10));
  job.queued_at = r.get(row, 11);
  job.started_at = r.get(row, 12);
  job.ended_at = r.get(row, 13);
  job.created_at = r.text(row, 14);
  job.last_modified = r.text(row, 15);
  job.error = r.get(row, 16);
  job.cancel_requested = r.boolean(row, 17);
  job.epoch = optional_integer_at(r, row, 18);
  job.timeout_s = optional_real_at(r, row, 19);
  job.kill_grace_s = optional_real_at(r, row, 20);
  job.task_spec = task_spec_at(r, row, 21, job.id);
  return job;
}

JobExecution execution_from_row(const Result& r, int row) {
  JobExecution exe;
  exe.id = r.integer(row, 0);
  exe.exe_num = static_cast<int>(r.integer(row, 1));
  exe.task_id = r.text(row, 2);
  exe.agent_id = r.text(row, 3);
  exe.node_id = optional_integer_at(r, row, 4);
  exe.state = r.text(row, 5);
  exe.epoch = r.integer(row, 6);
  exe.resources = resources_at(r, row, 7);
  exe.launched_at = r.text(row, 11);
  exe.started_at = r.get(row, 12);
  exe.ended_at = r.get(row, 13);
  exe.last_update_at = r.get(row, 14);
  exe.exit_reason = r.get(row, 15);
  exe.exit_message = r.get(row, 16);
  exe.agent_hostname = r.get(row, 17);
  return exe;
}

// A text[] literal of status names. Only names that passed is_job_status get here, so no quoting
// is needed; the literal still travels as a parameter.
std::optional<std::string> status_array(const std::vector<std::string>& statuses) {
  if (statuses.empty()) return std::nullopt;
  std::string literal = "{";
  for (const auto& status : statuses) {
    if (!is_job_status(status)) throw Error("db: not a job status: " + status, "22023");
    literal += (literal.size() > 1 ? "," : "") + status;
  }
  return literal + "}";
}

std::optional<std::string> resource_error(const Resources& r) {
  const std::array<std::pair<const char*, double>, 4> values = {
      {{"cpus", r.cpus}, {"mem", r.mem}, {"disk", r.disk}, {"gpus", r.gpus}}};
  for (const auto& [name, value] : values) {
    if (!std::isfinite(value) || value < 0) {
      return std::string("resources.") + name + " must be a number >= 0";
    }
  }
  if (r.cpus <= 0 && r.mem <= 0) return "resources must ask for cpus > 0 or mem > 0";
  // The master refuses a task with a fractional amount of GPUs (TASK_ERROR).
  if (r.gpus != std::floor(r.gpus)) return "resources.gpus must be a whole number";
  return std::nullopt;
}

// The command and the container together: what Mesos will be asked to run.
std::optional<std::string> command_error(const NewJob& job) {
  const auto& container = job.task_spec.container;
  if (job.command.empty() && !container) {
    return "command must not be empty (it may be left out only with a container image)";
  }
  // With a command Mesos runs /bin/sh -c <command> and ignores the arguments (args without a
  // container are task_spec_validation_error's).
  if (container && !job.command.empty() && !job.task_spec.args.empty()) {
    return "args cannot be used with command: put them in the command, or leave the command out "
           "to run the image's entrypoint with args";
  }
  // Only the Mesos containerizer isolates GPUs: a DOCKER task would hold them without seeing them.
  if (job.resources.gpus > 0 && container && container->type == ContainerType::Docker) {
    return "resources.gpus need a MESOS container: the docker containerizer has no GPU support";
  }
  return std::nullopt;
}

}  // namespace

bool is_job_status(std::string_view status) {
  return job_status_from(status).has_value();
}

std::optional<std::string> job_validation_error(const NewJob& job) {
  if (job.name.empty()) return "name must not be empty";
  // libpq sends text parameters as C strings: a NUL would cut the value where it stands
  // ("\u0000x" would be stored as an empty name).
  if (job.name.find('\0') != std::string::npos) return "name must not contain NUL characters";
  if (job.command.find('\0') != std::string::npos) return "command must not contain NUL characters";
  if (job.name.size() > kMaxJobNameLength) {
    return "name must be at most " + std::to_string(kMaxJobNameLength) + " bytes";
  }
  if (auto error = command_error(job)) return error;
  if (job.command.size() > kMaxJobCommandLength) {
    return "command must be at most " + std::to_string(kMaxJobCommandLength) + " bytes";
  }
  if (auto error = resource_error(job.resources)) return error;
  if (job.priority < 0) return "priority must be an integer >= 0";
  if (job.max_tries < 1 || job.max_tries > kMaxMaxTries) {
    return "max_tries must be an integer from 1 to " + std::to_string(kMaxMaxTries);
  }
  if (job.timeout_s && !(*job.timeout_s > 0 && *job.timeout_s <= kMaxJobTimeoutSeconds)) {
    return "timeout_s must be a number of seconds > 0 and at most " +
           std::to_string(static_cast<long long>(kMaxJobTimeoutSeconds));
  }
  if (job.kill_grace_s && !(*job.kill_grace_s >= 0 && *job.kill_grace_s <= kMaxKillGraceSeconds)) {
    return "kill_grace_s must be a number of seconds from 0 to " +
           std::to_string(static_cast<long long>(kMaxKillGraceSeconds));
  }
  return task_spec_validation_error(job.task_spec);
}

Job JobStore::submit(Connection& conn, const NewJob& job) {
  if (auto error = job_validation_error(job)) throw Error("db: invalid job: " + *error, "22023");
  const auto& r = job.resources;
  Result row = conn.exec(
      "INSERT INTO job (name, command, cpus, mem, disk, gpus, priority, max_tries, timeout_s,"
      " kill_grace_s, task_spec) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)"
      " RETURNING " +
          job_columns(),
      {job.name, job.command, real_param(r.cpus), real_param(r.mem), real_param(r.disk),
       real_param(r.gpus), std::to_string(job.priority), std::to_string(job.max_tries),
       optional_real_param(job.timeout_s), optional_real_param(job.kill_grace_s),
       task_spec_json(job.task_spec)});
  return job_from_row(row, 0);
}

JobPage JobStore::list(Connection& conn, const JobListQuery& query) {
  if (query.page < 1 || query.page_size < 1) throw Error("db: page and page_size start at 1");
  const Param statuses = status_array(query.statuses);
  const std::string filter = " FROM job WHERE ($1::text[] IS NULL OR status = ANY($1::text[]))";
  const long long offset = (query.page - 1) * query.page_size;
  // One statement reads one snapshot, so `count` describes the page it came with without a
  // transaction around two statements: one round trip instead of four, which is most of the
  // time of a page. The snapshot and the count are the last columns (job_from_row reads the
  // first ones); a page with no job still yields one row, with NULL job columns, to carry them.
  Result rows =
      conn.exec("WITH total AS (SELECT count(*) AS n" + filter + ") SELECT page.*, " +
                    kVisibleSnapshotColumn + ", total.n FROM total LEFT JOIN LATERAL (SELECT " +
                    job_columns() + filter +
                    " ORDER BY id DESC LIMIT $2 OFFSET $3) page ON true ORDER BY page.id DESC",
                {statuses, std::to_string(query.page_size), std::to_string(offset)});
  JobPage page;
  if (rows.rows() == 0) throw Error("db: the job count returned no row");
  const int count_column = rows.columns() - 1;
  page.count = rows.integer(0, count_column);
  page.snapshot = rows.text(0, count_column - 1);
  for (int i = 0; i < rows.rows(); ++i) {
    if (rows.is_null(i, 0)) continue;  // the row of an empty page
    page.jobs.push_back(job_from_row(rows, i));
  }
  return page;
}

std::optional<JobDetail> JobStore::get(Connection& conn, long long id) {
  std::optional<JobDetail> detail;
  in_snapshot(conn, [&](Connection& c) {
    Result row =
        c.exec("SELECT " + job_columns() + " FROM job WHERE id = $1", {std::to_string(id)});
    if (row.rows() == 0) return;
    detail.emplace();
    detail->job = job_from_row(row, 0);
    Result exes =
        c.exec("SELECT " + execution_columns() + " FROM job_exe WHERE job_id = $1 ORDER BY exe_num",
               {std::to_string(id)});
    for (int i = 0; i < exes.rows(); ++i) detail->executions.push_back(execution_from_row(exes, i));
    detail->framework = FrameworkStore::get(c);
  });
  return detail;
}

CancelResult JobStore::cancel(Connection& conn, long long id) {
  // Under READ COMMITTED a concurrent UPDATE of the same row makes this one wait, then re-check
  // the WHERE clause on the new row version: of two cancels of a QUEUED job, exactly one matches.
  Result updated = conn.exec(
      "UPDATE job SET cancel_requested = true, last_modified = now(),"
      " status = CASE WHEN status = 'QUEUED' THEN 'CANCELED' ELSE status END,"
      " ended_at = CASE WHEN status = 'QUEUED' THEN now() ELSE ended_at END"
      " WHERE id = $1 AND (status = 'QUEUED' OR (status = 'RUNNING' AND NOT cancel_requested))"
      " RETURNING " +
          job_columns(),
      {std::to_string(id)});
  CancelResult result;
  if (updated.rows() == 1) {
    result.job = job_from_row(updated, 0);
    result.outcome = result.job->status == JobStatus::Canceled ? CancelOutcome::Canceled
                                                               : CancelOutcome::CancelRequested;
    return result;
  }
  // Nothing changed: unknown, already finished, or a kill already requested (repeating it is
  // harmless and answers the same as the first time).
  Result row =
      conn.exec("SELECT " + job_columns() + " FROM job WHERE id = $1", {std::to_string(id)});
  if (row.rows() == 0) return result;
  result.job = job_from_row(row, 0);
  result.outcome = result.job->status == JobStatus::Running ? CancelOutcome::CancelRequested
                                                            : CancelOutcome::AlreadyFinished;
  return result;
}

PriorityResult JobStore::set_priority(Connection& conn, long long id, int priority) {
  if (priority < 0) throw Error("db: priority must be >= 0", "22023");
  Result updated = conn.exec(
      "UPDATE job SET priority = $2, last_modified = now()"
      " WHERE id = $1 AND status = 'QUEUED' AND NOT cancel_requested"
      " RETURNING " +
          job_columns(),
      {std::to_string(id), std::to_string(priority)});
  PriorityResult result;
  if (updated.rows() == 1) {
    result.job = job_from_row(updated, 0);
    result.outcome = PriorityOutcome::Changed;
    return result;
  }
  Result row =
      conn.exec("SELECT " + job_columns() + " FROM job WHERE id = $1", {std::to_string(id)});
  if (row.rows() == 0) return result;
  result.job = job_from_row(row, 0);
  result.outcome = PriorityOutcome::NotQueued;
  return result;
}

}  // namespace scale::db
