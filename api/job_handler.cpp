#include "api/job_handler.h"

#include <glog/logging.h>

#include <algorithm>
#include <cctype>

#include "api/job_submission.h"
#include "api/json_response.h"
#include "api/path_id.h"
#include "api/query_params.h"
#include "api/resources_json.h"
#include "api/sandbox_link.h"
#include "db/connection.h"
#include "db/visible_snapshot.h"

namespace scale::api {
namespace {

// As for PATCH /v6/scheduler/: answer 503 quickly rather than pile up behind a saturated pool.
constexpr std::chrono::milliseconds kLeaseTimeout{1000};
constexpr const char* kStatuses = "QUEUED, RUNNING, COMPLETED, FAILED, CANCELED";

// `sandbox`: the execution's sandbox in the Mesos web UI, when known.
void write_execution(JsonWriter& writer, const db::JobExecution& exe,
                     const std::optional<std::string>& sandbox) {
  writer.StartObject();
  writer.Key("id");
  writer.Int64(exe.id);
  writer.Key("exe_num");
  writer.Int(exe.exe_num);
  writer.Key("task_id");
  writer.String(exe.task_id);
  writer.Key("state");
  writer.String(exe.state);
  writer.Key("agent_id");
  writer.String(exe.agent_id);
  writer.Key("agent_hostname");
  write_optional(writer, exe.agent_hostname);
  writer.Key("sandbox_url");
  write_optional(writer, sandbox);
  writer.Key("node_id");
  exe.node_id ? writer.Int64(*exe.node_id) : writer.Null();
  writer.Key("epoch");
  writer.Int64(exe.epoch);
  writer.Key("resources");
  write_resources(writer, exe.resources);
  writer.Key("launched");
  writer.String(exe.launched_at);
  writer.Key("started");
  write_optional(writer, exe.started_at);
  writer.Key("ended");
  write_optional(writer, exe.ended_at);
  writer.Key("last_update");
  write_optional(writer, exe.last_update_at);
  writer.Key("exit_reason");
  write_optional(writer, exe.exit_reason);
  writer.Key("exit_message");
  write_optional(writer, exe.exit_message);
  writer.EndObject();
}

// The job's keys without the closing brace, so the detail can append its executions.
void write_job_fields(JsonWriter& writer, const db::Job& job) {
  writer.Key("id");
  writer.Int64(job.id);
  writer.Key("name");
  writer.String(job.name);
  writer.Key("command");
  writer.String(job.command);
  writer.Key("status");
  writer.String(db::to_string(job.status));
  writer.Key("resources");
  write_resources(writer, job.resources);
  writer.Key("priority");
  writer.Int(job.priority);
  writer.Key("max_tries");
  writer.Int(job.max_tries);
  writer.Key("num_exes");
  writer.Int(job.num_exes);
  writer.Key("timeout_s");
  job.timeout_s ? writer.Double(*job.timeout_s) : writer.Null();
  writer.Key("kill_grace_s");
  job.kill_grace_s ? writer.Double(*job.kill_grace_s) : writer.Null();
  // env values are the client's own and shown to it; no log line prints a spec.
  db::write_task_spec_members(writer, job.task_spec, db::TaskSpecStyle::EveryField);
  writer.Key("cancel_requested");
  writer.Bool(job.cancel_requested);
  writer.Key("error");
  write_optional(writer, job.error);
  writer.Key("created");
  writer.String(job.created_at);
  writer.Key("queued");
  write_optional(writer, job.queued_at);
  writer.Key("started");
  write_optional(writer, job.started_at);
  writer.Key("ended");
  write_optional(writer, job.ended_at);
  writer.Key("last_modified");
  writer.String(job.last_modified);
}

// The status filter: `status` repeated and/or comma separated, any case. Sets `error` on an
// unknown name.
std::vector<std::string> status_filter(const QueryParams& params, std::string& error) {
  std::vector<std::string> statuses;
  for (const auto& value : params.all("status")) {
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string name(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (name.empty()) continue;
      if (!db::is_job_status(name)) {
        error =
            "status must be one of " + std::string(kStatuses) + ", not \"" + sanitize(name) + "\"";
        return {};
      }
      if (std::find(statuses.begin(), statuses.end(), name) == statuses.end()) {
        statuses.push_back(name);
      }
    }
  }
  return statuses;
}

Response database_unavailable(const Request& request, const std::exception& e) {
  LOG(WARNING) << "api: " << request.method << " " << request.path << " failed: " << e.what();
  return error_response(503, std::string("database unavailable: ") + e.what());
}

std::string job_json(const db::Job& job) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  write_job(writer, job);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Response job_not_found(const Request& request) {
  return error_response(404, "job not found: " + sanitize(path_segment(request.path, 2)));
}

void write_job(JsonWriter& writer, const db::Job& job) {
  writer.StartObject();
  write_job_fields(writer, job);
  writer.EndObject();
}

std::string job_detail_json(const db::JobDetail& detail, std::string_view mesos_ui_url) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  write_job_fields(writer, detail.job);
  writer.Key("executions");
  writer.StartArray();
  const auto ui =
      detail.framework ? mesos_ui_base(mesos_ui_url, detail.framework->master) : std::nullopt;
  for (const auto& exe : detail.executions) {
    // A command task's executor id is its task id (the command and docker executors alike).
    const auto sandbox =
        ui ? sandbox_url(*ui, exe.agent_id, detail.framework->framework_id, exe.task_id)
           : std::nullopt;
    write_execution(writer, exe, sandbox);
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response submit_job(Context& ctx, const Request& request) {
  auto parsed = parse_job_submission(request.body);
  if (!parsed.job) return error_response(400, parsed.error);
  try {
    auto lease = ctx.pool.acquire(kLeaseTimeout);
    const auto job = db::JobStore::submit(*lease, *parsed.job);
    VLOG(1) << "api: job " << job.id << " submitted";
    auto response = json_response(201, job_detail_json(db::JobDetail{job, {}, std::nullopt}, ""));
    response.headers.emplace_back("Location", "/v6/jobs/" + std::to_string(job.id) + "/");
    return response;
  } catch (const std::exception& e) {
    return database_unavailable(request, e);
  }
}

Response list_jobs(Context& ctx, const Request& request) {
  const QueryParams params(request.query);
  const auto page = parse_page_request(params);
  if (!page.request) return error_response(400, page.error);
  std::string error;
  db::JobListQuery query;
  query.statuses = status_filter(params, error);
  if (!error.empty()) return error_response(400, error);
  query.page = page.request->page;
  query.page_size = page.request->page_size;
  std::string filter;
  for (const auto& status : query.statuses) filter += "&status=" + status;
  if (auto refused = ctx.stale_reads()) return *refused;
  try {
    auto lease = ctx.reads.acquire(kLeaseTimeout);
    // The page depends on the filter, the page and its size alone, given the rows.
    const std::string key = filter + "&page=" + std::to_string(query.page) +
                            "&page_size=" + std::to_string(query.page_size);
    if (ctx.job_pages.holds(key)) {
      if (auto body = ctx.job_pages.find(key, db::visible_snapshot(*lease)))
        return json_response(200, std::move(*body));
    }
    const auto jobs = db::JobStore::list(*lease, query);
    auto response =
        page_response("/v6/jobs/", filter, *page.request, jobs.count, [&](JsonWriter& w) {
          for (const auto& job : jobs.jobs) write_job(w, job);
        });
    if (response.status == 200) ctx.job_pages.store(key, jobs.snapshot, response.body);
    return response;
  } catch (const std::exception& e) {
    return database_unavailable(request, e);
  }
}

Response get_job(Context& ctx, const Request& request) {
  const auto id = path_id(request, 2);
  if (!id) return job_not_found(request);
  if (auto refused = ctx.stale_reads()) return *refused;
  try {
    auto detail = db::JobStore::get(*ctx.reads.acquire(kLeaseTimeout), *id);
    // A job just submitted through another replica may not be replayed on the standby yet: the
    // primary has it, so a user who was given its Location can read it back at once.
    if (!detail && ctx.reads_from_standby())
      detail = db::JobStore::get(*ctx.pool.acquire(kLeaseTimeout), *id);
    if (!detail) return job_not_found(request);
    return json_response(200, job_detail_json(*detail, ctx.options.mesos_ui_url));
  } catch (const std::exception& e) {
    return database_unavailable(request, e);
  }
}

Response cancel_job(Context& ctx, const Request& request) {
  const auto id = path_id(request, 2);
  if (!id) return job_not_found(request);
  try {
    auto lease = ctx.pool.acquire(kLeaseTimeout);
    const auto result = db::JobStore::cancel(*lease, *id);
    switch (result.outcome) {
      case db::CancelOutcome::NotFound:
        return job_not_found(request);
      case db::CancelOutcome::AlreadyFinished:
        return error_response(409, "job " + std::to_string(*id) + " is already " +
                                       db::to_string(result.job->status) +
                                       " and cannot be canceled");
      case db::CancelOutcome::Canceled:
        LOG(INFO) << "api: queued job " << *id << " canceled";
        return json_response(200, job_json(*result.job));
      case db::CancelOutcome::CancelRequested:
        LOG(INFO) << "api: cancel of running job " << *id << " requested";
        return json_response(202, job_json(*result.job));
    }
    return error_response(500, "unexpected cancel outcome");
  } catch (const std::exception& e) {
    return database_unavailable(request, e);
  }
}

}  // namespace scale::api
