#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "db/job_action_store.h"

// Validation of the bodies of POST /v6/jobs/cancel/, POST /v6/jobs/requeue/ and
// PATCH /v6/jobs/{id}/ (pure: no database, no server).
namespace scale::api {

struct BulkActionBody {
  std::optional<db::BulkActionRequest> request;  // set when the body is valid
  std::string error;                             // the 400 detail otherwise
};

// Filters job_ids (non-empty list of ids >= 1), status (a job status name, any case; QUEUED or
// RUNNING for a cancel, FAILED or CANCELED for a requeue), started and ended (ISO-8601 datetimes
// with a zone, started <= ended); a requeue also takes priority (integer >= 0). At least one
// filter: an empty body is refused rather than taken as "every job". Unknown or repeated keys,
// malformed JSON and non-objects are refused.
BulkActionBody parse_bulk_action(db::BulkKind kind, std::string_view body);

struct PriorityBody {
  std::optional<int> priority;
  std::string error;
};

// {"priority": N} with N an integer >= 0, nothing else.
PriorityBody parse_priority_patch(std::string_view body);

// Microseconds since 1970-01-01T00:00:00Z of an ISO-8601 datetime "YYYY-MM-DDTHH:MM:SS[.f]"
// (year 0001-9999, up to 9 fraction digits) followed by "Z" or "+HH:MM"/"-HH:MM" (under 16 h);
// nullopt when malformed or out of range. Whatever it accepts PostgreSQL reads as timestamptz.
std::optional<long long> parse_iso_datetime(std::string_view text);

}  // namespace scale::api
