#include "db/job_status.h"

#include <array>
#include <utility>

namespace scale::db {

namespace {

constexpr std::array<std::pair<JobStatus, std::string_view>, 5> kNames = {{
    {JobStatus::Queued, "QUEUED"},
    {JobStatus::Running, "RUNNING"},
    {JobStatus::Completed, "COMPLETED"},
    {JobStatus::Failed, "FAILED"},
    {JobStatus::Canceled, "CANCELED"},
}};

}  // namespace

const char* to_string(JobStatus status) {
  for (const auto& [known, name] : kNames) {
    if (known == status) return name.data();
  }
  return "?";
}

std::optional<JobStatus> job_status_from(std::string_view name) {
  for (const auto& [status, known] : kNames) {
    if (known == name) return status;
  }
  return std::nullopt;
}

}  // namespace scale::db
