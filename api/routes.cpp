#include "api/routes.h"

#include "api/console_handler.h"
#include "api/job_action_handler.h"
#include "api/job_handler.h"
#include "api/leader_health_handler.h"
#include "api/metrics_handler.h"
#include "api/node_handler.h"
#include "api/queued_resources_handler.h"
#include "api/scheduler_settings_handler.h"
#include "api/status_handler.h"
#include "api/version_handler.h"

namespace scale::api {

namespace {

// Every one of these waits on PostgreSQL, so they all run on the worker threads.
void add_jobs_and_nodes(Router& router, Context& ctx) {
  auto route = [&](const char* method, const char* path, bool reads_body,
                   Response (*handler)(Context&, const Request&)) {
    router.add(Route{method, path, reads_body,
                     [&ctx, handler](const Request& request) { return handler(ctx, request); },
                     /*uses_database=*/true});
  };
  route("POST", "/v6/jobs/", true, submit_job);
  route("GET", "/v6/jobs/", false, list_jobs);
  route("GET", "/v6/jobs/{id}/", false, get_job);
  route("PATCH", "/v6/jobs/{id}/", true, patch_job);
  route("POST", "/v6/jobs/cancel/", true, bulk_cancel_jobs);
  route("POST", "/v6/jobs/requeue/", true, bulk_requeue_jobs);
  route("POST", "/v6/jobs/{id}/cancel/", true, cancel_job);  // any body is read and ignored
  route("GET", "/v6/nodes/", false, list_nodes);
  route("PATCH", "/v6/nodes/{id}/", true, patch_node);
}

// The operator's console: static bytes embedded in the binary, answered from memory.
void add_console(Router& router) {
  router.add(Route{"GET", "/", false, get_console_root});
  router.add(Route{"GET", "/ui/", false, get_console_index});
  router.add(Route{"GET", "/ui/{asset}", false, get_console_asset});
}

}  // namespace

Router make_routes(Context& ctx) {
  Router router;
  // Answered from memory (the read cache, the leadership view): on cpprestsdk's pool.
  auto get = [&](const char* path, Handler handler) {
    router.add(Route{"GET", path, false, std::move(handler)});
  };
  // Waits on PostgreSQL: on the worker threads.
  auto get_db = [&](const char* path, Handler handler) {
    router.add(Route{"GET", path, false, std::move(handler), /*uses_database=*/true});
  };
  get("/v6/status/", [&ctx](const Request&) { return get_status(ctx); });
  get("/v6/status/history/", [&ctx](const Request&) { return get_status_history(ctx); });
  get("/v6/scheduler/", [&ctx](const Request&) { return get_scheduler_settings(ctx); });
  router.add(
      Route{"PATCH", "/v6/scheduler/", true,
            [&ctx](const Request& request) { return patch_scheduler_settings(ctx, request); },
            /*uses_database=*/true});
  get_db("/v6/scheduler/queued-resources/",
         [&ctx](const Request&) { return get_queued_resources(ctx); });
  get_db("/v6/scheduler/queue-priorities/",
         [&ctx](const Request&) { return get_queue_priorities(ctx); });
  add_jobs_and_nodes(router, ctx);
  get("/v6/version/", [&ctx](const Request&) { return version_response(ctx.options.version); });
  get("/v6/leader/", [&ctx](const Request&) { return get_leader(ctx); });
  get("/leaderhealth", [&ctx](const Request&) { return get_leaderhealth(ctx); });
  get("/ping", [](const Request&) { return ping_response(); });
  get_db("/healthz", [&ctx](const Request&) { return get_healthz(ctx); });
  get_db("/metrics", [&ctx](const Request&) { return get_metrics(ctx); });
  add_console(router);
  return router;
}

}  // namespace scale::api
