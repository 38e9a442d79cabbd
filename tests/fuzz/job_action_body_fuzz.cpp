// parse_bulk_action and parse_priority_patch (api/job_action_body.*): the bodies of
// POST /v6/jobs/cancel/, POST /v6/jobs/requeue/ and PATCH /v6/jobs/{id}/. Whatever the body:
// - exactly one of a request and a 400 detail; the detail is short, valid JSON text, valid UTF-8;
// - an accepted request has a filter, job ids >= 1 sorted without repeats, a status the action can
//   change, datetimes that parse with started <= ended, and a priority >= 0 only on a requeue.

#include <algorithm>
#include <cstdint>
#include <string>

#include "api/job_action_body.h"
#include "tests/fuzz/rest_checks.h"

namespace {

using scale::db::BulkKind;

void check_accepted(BulkKind kind, const scale::db::BulkActionRequest& request) {
  const auto& f = request.filters;
  FUZZ_CHECK(!f.empty(), "accepted a request without a filter");
  FUZZ_CHECK(request.kind == kind, "the kind changed");
  if (f.job_ids) {
    FUZZ_CHECK(!f.job_ids->empty(), "accepted an empty id list");
    FUZZ_CHECK(
        std::adjacent_find(f.job_ids->begin(), f.job_ids->end(),
                           [](long long a, long long b) { return a >= b; }) == f.job_ids->end(),
        "ids not sorted and unique");
    FUZZ_CHECK(f.job_ids->front() >= 1, "an id below 1");
  }
  if (f.status) {
    const bool ok = kind == BulkKind::Cancel ? (*f.status == "QUEUED" || *f.status == "RUNNING")
                                             : (*f.status == "FAILED" || *f.status == "CANCELED");
    FUZZ_CHECK(ok, "accepted status " + *f.status);
  }
  const auto started = f.started ? scale::api::parse_iso_datetime(*f.started) : std::nullopt;
  const auto ended = f.ended ? scale::api::parse_iso_datetime(*f.ended) : std::nullopt;
  FUZZ_CHECK(!f.started || started, "accepted started that does not parse");
  FUZZ_CHECK(!f.ended || ended, "accepted ended that does not parse");
  FUZZ_CHECK(!(started && ended) || *started <= *ended, "started after ended");
  FUZZ_CHECK(!request.priority || (kind == BulkKind::Requeue && *request.priority >= 0),
             "a priority on a cancel or below 0");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = scale::fuzz::as_text(data, size);
  for (BulkKind kind : {BulkKind::Cancel, BulkKind::Requeue}) {
    const auto result = scale::api::parse_bulk_action(kind, body);
    FUZZ_CHECK(result.request.has_value() == result.error.empty(),
               "both or neither of request and error");
    if (result.request) {
      check_accepted(kind, *result.request);
    } else {
      scale::fuzz::check_error_detail(result.error);
    }
  }
  const auto patch = scale::api::parse_priority_patch(body);
  FUZZ_CHECK(patch.priority.has_value() == patch.error.empty(),
             "both or neither of priority and error");
  if (patch.priority) {
    FUZZ_CHECK(*patch.priority >= 0, "a priority below 0");
  } else {
    scale::fuzz::check_error_detail(patch.error);
  }
  return 0;
}
