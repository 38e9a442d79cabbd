#include "api/job_action_handler.h"

#include <glog/logging.h>

#include "api/job_action_body.h"
#include "api/job_handler.h"
#include "api/json_response.h"
#include "api/path_id.h"

namespace scale::api {
namespace {

constexpr std::chrono::milliseconds kLeaseTimeout{1000};

Response unavailable(const Request& request, const std::exception& e) {
  LOG(WARNING) << "api: " << request.method << " " << request.path << " failed: " << e.what();
  return error_response(503, std::string("database unavailable: ") + e.what());
}

// 202 with no body: the request is stored, the leader carries it out in batches.
Response bulk_action(Context& ctx, const Request& request, db::BulkKind kind) {
  auto parsed = parse_bulk_action(kind, request.body);
  if (!parsed.request) return error_response(400, parsed.error);
  try {
    auto lease = ctx.pool.acquire(kLeaseTimeout);
    const long long id = db::JobActionStore::request(*lease, *parsed.request);
    LOG(INFO) << "api: bulk " << db::to_string(kind) << " " << id << " requested";
    Response response;
    response.status = 202;
    response.content_type.clear();
    return response;
  } catch (const std::exception& e) {
    return unavailable(request, e);
  }
}

}  // namespace

Response bulk_cancel_jobs(Context& ctx, const Request& request) {
  return bulk_action(ctx, request, db::BulkKind::Cancel);
}

Response bulk_requeue_jobs(Context& ctx, const Request& request) {
  return bulk_action(ctx, request, db::BulkKind::Requeue);
}

Response patch_job(Context& ctx, const Request& request) {
  const auto id = path_id(request, 2);
  if (!id) return job_not_found(request);
  const auto parsed = parse_priority_patch(request.body);
  if (!parsed.priority) return error_response(400, parsed.error);
  try {
    auto lease = ctx.pool.acquire(kLeaseTimeout);
    const auto result = db::JobStore::set_priority(*lease, *id, *parsed.priority);
    switch (result.outcome) {
      case db::PriorityOutcome::NotFound:
        return job_not_found(request);
      case db::PriorityOutcome::NotQueued:
        return error_response(409, "job " + std::to_string(*id) + " is " +
                                       db::to_string(result.job->status) +
                                       (result.job->cancel_requested ? " (canceled)" : "") +
                                       ": only a QUEUED job's priority can change");
      case db::PriorityOutcome::Changed: {
        LOG(INFO) << "api: job " << *id << " priority set to " << *parsed.priority;
        // With its executions, as GET /v6/jobs/{id}/ shows it.
        const auto detail = db::JobStore::get(*lease, *id);
        return detail ? json_response(200, job_detail_json(*detail, ctx.options.mesos_ui_url))
                      : job_not_found(request);
      }
    }
    return error_response(500, "unexpected priority outcome");
  } catch (const std::exception& e) {
    return unavailable(request, e);
  }
}

}  // namespace scale::api
