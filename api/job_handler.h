#pragma once

#include <string>
#include <string_view>

#include "api/context.h"
#include "api/http_types.h"
#include "api/pagination.h"
#include "db/job_store.h"

// /v6/jobs/: submit, list, inspect and cancel jobs. Submissions and cancels are user intents
// written to PostgreSQL by whichever replica receives them, leader or not; the leader hears of
// them through NOTIFY scale_jobs.
namespace scale::api {

Response submit_job(Context& ctx, const Request& request);  // POST /v6/jobs/
Response list_jobs(Context& ctx, const Request& request);   // GET /v6/jobs/
Response get_job(Context& ctx, const Request& request);     // GET /v6/jobs/{id}/
Response cancel_job(Context& ctx, const Request& request);  // POST /v6/jobs/{id}/cancel/

// {"id", "name", "command", "status", "resources", "priority", "max_tries", "num_exes",
//  "cancel_requested", "error", "created", "queued", "started", "ended", "last_modified"}
void write_job(JsonWriter& writer, const db::Job& job);
// write_job's keys plus "executions": [...], each with its agent's hostname and, when the Mesos
// web UI is known (`mesos_ui_url`, else the stored master if http(s)), its sandbox_url.
std::string job_detail_json(const db::JobDetail& detail, std::string_view mesos_ui_url);
// 404 {"detail": "job not found: <the id segment of the path>"}
Response job_not_found(const Request& request);

}  // namespace scale::api
