// parse_job_submission (api/job_submission.*): the body of POST /v6/jobs/. Whatever the body:
// - exactly one of a job and a 400 detail; the detail is short, valid JSON text, valid UTF-8;
// - an accepted job passes db::job_validation_error and can be stored as it is (strict UTF-8, no
//   NUL byte that libpq would silently cut at);
// - an accepted job written back as JSON (its task spec in the canonical form the store keeps) is
//   accepted again as the same job.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "api/job_submission.h"
#include "tests/fuzz/rest_checks.h"

namespace {

using scale::db::NewJob;

std::string to_json(const NewJob& job) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("name");
  writer.String(job.name.data(), static_cast<rapidjson::SizeType>(job.name.size()));
  writer.Key("command");
  writer.String(job.command.data(), static_cast<rapidjson::SizeType>(job.command.size()));
  writer.Key("resources");
  writer.StartObject();
  writer.Key("cpus");
  writer.Double(job.resources.cpus);
  writer.Key("mem");
  writer.Double(job.resources.mem);
  writer.Key("disk");
  writer.Double(job.resources.disk);
  writer.Key("gpus");
  writer.Double(job.resources.gpus);
  writer.EndObject();
  writer.Key("priority");
  writer.Int(job.priority);
  writer.Key("max_tries");
  writer.Int(job.max_tries);
  scale::db::write_task_spec_members(writer, job.task_spec, scale::db::TaskSpecStyle::Canonical);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// RapidJSON reads numbers at normal precision (a few ulps), so a double written and read back is
// close, not always identical.
bool close(double a, double b) {
  return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
}

bool subnormal(double v) {
  return std::fpclassify(v) == FP_SUBNORMAL;
}

void check_accepted(const NewJob& job) {
  const auto validation = scale::db::job_validation_error(job);
  FUZZ_CHECK(!validation, "accepted a job the store refuses: " + *validation);
  FUZZ_CHECK(scale::fuzz::storable_text(job.name), "accepted a name with NUL or not UTF-8");
  FUZZ_CHECK(scale::fuzz::storable_text(job.command), "accepted a command with NUL or not UTF-8");

  const auto& r = job.resources;
  // At normal precision a subnormal may read back as 0 and turn a valid job invalid.
  if (subnormal(r.cpus) || subnormal(r.mem) || subnormal(r.disk) || subnormal(r.gpus)) return;
  const std::string body = to_json(job);
  const auto again = scale::api::parse_job_submission(body);
  FUZZ_CHECK(again.job, "written back and refused: " + again.error + " for " + body);
  const NewJob& j = *again.job;
  FUZZ_CHECK(j.name == job.name && j.command == job.command && j.priority == job.priority &&
                 j.max_tries == job.max_tries && j.task_spec == job.task_spec,
             "written back as another job: " + body);
  FUZZ_CHECK(close(j.resources.cpus, r.cpus) && close(j.resources.mem, r.mem) &&
                 close(j.resources.disk, r.disk) && close(j.resources.gpus, r.gpus),
             "written back with other resources: " + body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto result = scale::api::parse_job_submission(scale::fuzz::as_text(data, size));
  FUZZ_CHECK(result.job.has_value() == result.error.empty(), "both or neither of job and error");
  if (result.job) {
    check_accepted(*result.job);
  } else {
    scale::fuzz::check_error_detail(result.error);
  }
  return 0;
}
