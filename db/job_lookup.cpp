#include "db/job_lookup.h"

#include "db/pg_array.h"

namespace scale::db {

namespace {

std::string id_array(const std::vector<long long>& job_ids) {
  ArrayLiteral ids;
  for (long long id : job_ids) ids.add_integer(id);
  return ids.str();
}

}  // namespace

std::vector<JobCommand> JobLookup::commands(Connection& conn,
                                            const std::vector<long long>& job_ids) {
  if (job_ids.empty()) return {};
  const Result rows = conn.exec("SELECT id, name, command FROM job WHERE id = ANY($1::bigint[])",
                                {id_array(job_ids)});
  std::vector<JobCommand> out;
  out.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i)
    out.push_back({rows.integer(i, 0), rows.text(i, 1), rows.text(i, 2)});
  return out;
}

std::vector<JobIntent> JobLookup::intents(Connection& conn, const std::vector<long long>& job_ids) {
  if (job_ids.empty()) return {};
  const Result rows = conn.exec(
      "SELECT id, priority, "
      "(extract(epoch FROM COALESCE(queued_at, created_at)) * 1000000)::bigint, "
      "cpus, mem, disk, gpus, status, cancel_requested FROM job WHERE id = ANY($1::bigint[])",
      {id_array(job_ids)});
  std::vector<JobIntent> out;
  out.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    JobIntent intent;
    intent.entry.job_id = rows.integer(i, 0);
    intent.entry.priority = static_cast<int>(rows.integer(i, 1));
    intent.entry.queued_at_us = rows.integer(i, 2);
    intent.entry.resources = {std::stod(rows.text(i, 3)), std::stod(rows.text(i, 4)),
                              std::stod(rows.text(i, 5)), std::stod(rows.text(i, 6))};
    // The schema's CHECK allows only the known names.
    intent.status = job_status_from(rows.text(i, 7)).value_or(JobStatus::Failed);
    intent.cancel_requested = rows.boolean(i, 8);
    out.push_back(std::move(intent));
  }
  return out;
}

}  // namespace scale::db
