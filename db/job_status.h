#pragma once

#include <optional>
#include <string_view>

namespace scale::db {

// A job row's `status` column (stored upper case, e.g. QUEUED).
enum class JobStatus { Queued, Running, Completed, Failed, Canceled };

const char* to_string(JobStatus status);
// nullopt for a name the schema does not allow.
std::optional<JobStatus> job_status_from(std::string_view name);

}  // namespace scale::db
