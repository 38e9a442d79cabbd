#pragma once

#include "api/context.h"
#include "api/http_types.h"

// Operations on many jobs, and on a queued job's priority. Like single cancels they are user
// intents stored in PostgreSQL by whichever replica receives them; the leader carries them out.
namespace scale::api {

Response bulk_cancel_jobs(Context& ctx, const Request& request);   // POST /v6/jobs/cancel/
Response bulk_requeue_jobs(Context& ctx, const Request& request);  // POST /v6/jobs/requeue/
Response patch_job(Context& ctx, const Request& request);          // PATCH /v6/jobs/{id}/

}  // namespace scale::api
