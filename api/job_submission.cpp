#include "api/job_submission.h"

#include <climits>

#include "api/json_body.h"
#include "api/json_response.h"

namespace scale::api {
namespace {

using rapidjson::Value;

constexpr std::string_view kFields =
    "name, command, resources, priority, max_tries, timeout_s, kill_grace_s, container, args, env, "
    "uris, user, labels";
constexpr std::string_view kResourceFields = "cpus, mem, disk, gpus";

bool read_string(const Value& value, std::string_view field, std::string& out, std::string& error) {
  if (!value.IsString()) {
    error = std::string(field) + " must be a string";
    return false;
  }
  out.assign(value.GetString(), value.GetStringLength());
  return true;
}

bool read_int(const Value& value, std::string_view field, int& out, std::string& error) {
  if (!value.IsInt64() || value.GetInt64() < INT_MIN || value.GetInt64() > INT_MAX) {
    error = std::string(field) + " must be an integer";
    return false;
  }
  out = static_cast<int>(value.GetInt64());
  return true;
}

bool read_resources(const Value& value, db::Resources& out, std::string& error) {
  if (!value.IsObject()) {
    error = "resources must be an object with cpus, mem, disk, gpus";
    return false;
  }
  for (const auto& member : value.GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    double* target = key == "cpus"   ? &out.cpus
                     : key == "mem"  ? &out.mem
                     : key == "disk" ? &out.disk
                     : key == "gpus" ? &out.gpus
                                     : nullptr;
    if (!target) {
      error = "resources: " + unknown_field(key, kResourceFields);
      return false;
    }
    if (!member.value.IsNumber()) {
      error = "resources." + std::string(key) + " must be a number";
      return false;
    }
    *target = member.value.GetDouble();
  }
  return true;
}

bool read_seconds(const Value& value, std::string_view field, std::optional<double>& out,
                  std::string& error) {
  if (!value.IsNumber()) {
    error = std::string(field) + " must be a number of seconds";
    return false;
  }
  out = value.GetDouble();
  return true;
}

// Applies one top-level key; false with `error` set when the key or its value is invalid.
bool apply_field(std::string_view key, const Value& value, db::NewJob& job, std::string& error) {
  if (key == "name") return read_string(value, key, job.name, error);
  if (key == "command") return read_string(value, key, job.command, error);
  if (key == "resources") return read_resources(value, job.resources, error);
  if (key == "priority") return read_int(value, key, job.priority, error);
  if (key == "max_tries") return read_int(value, key, job.max_tries, error);
  if (key == "timeout_s") return read_seconds(value, key, job.timeout_s, error);
  if (key == "kill_grace_s") return read_seconds(value, key, job.kill_grace_s, error);
  if (db::is_task_spec_field(key))
    return db::read_task_spec_field(key, value, job.task_spec, error);
  error = unknown_field(key, kFields);
  return false;
}

}  // namespace

JobSubmissionResult parse_job_submission(std::string_view body) {
  JobSubmissionResult result;
  rapidjson::Document doc;
  result.error = parse_json_object(body, doc);
  if (!result.error.empty()) return result;
  for (const char* required : {"name", "resources"}) {
    if (!doc.HasMember(required)) {
      result.error = std::string(required) + " is required";
      return result;
    }
  }
  if (!doc.HasMember("command") && !doc.HasMember("container")) {
    result.error = "command is required (it may be left out only with a container image)";
    return result;
  }
  // Repeated keys were refused above, so a rapidjson set is safe to read.
  db::NewJob job;
  for (const auto& member : doc.GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (!apply_field(key, member.value, job, result.error)) return result;
  }
  if (auto error = db::job_validation_error(job)) {
    result.error = *error;
    return result;
  }
  result.job = std::move(job);
  return result;
}

}  // namespace scale::api
