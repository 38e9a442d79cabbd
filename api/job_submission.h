#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "db/job_store.h"

// Validation of POST /v6/jobs/ bodies (pure: no database, no server).
namespace scale::api {

struct JobSubmissionResult {
  std::optional<db::NewJob> job;  // set when the body is valid
  std::string error;              // the 400 detail otherwise
};

// Accepts {"name": str, "command": str, "resources": {"cpus", "mem", "disk", "gpus": numbers},
// "priority": int (default 100), "max_tries": int (default 3), "timeout_s": seconds (maximum
// runtime from TASK_RUNNING), "kill_grace_s": seconds (KillPolicy grace), and the task spec's
// "container", "args", "env", "uris", "user", "labels" (db/task_spec.h, docs/api-jobs.md)}.
// name and resources are required, command too unless a container is given; resource keys are
// optional (0) but cpus or mem must be > 0. Rejects malformed JSON, non-objects, unknown or
// repeated keys (nested ones too), wrong types and values out of range
// (db::job_validation_error), the detail naming the field path.
JobSubmissionResult parse_job_submission(std::string_view body);

}  // namespace scale::api
