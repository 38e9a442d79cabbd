#include "api/routes.h"

#include "api/leader_health_handler.h"
#include "api/scheduler_settings_handler.h"
#include "api/status_handler.h"
#include "api/version_handler.h"

namespace scale::api {

Router make_routes(Context& ctx) {
  Router router;
  auto get = [&](const char* path, Handler handler) {
    router.add(Route{"GET", path, false, std::move(handler)});
  };
  get("/v6/status/", [&ctx](const Request&) { return get_status(ctx); });
  get("/v6/scheduler/", [&ctx](const Request&) { return get_scheduler_settings(ctx); });
  router.add(Route{"PATCH", "/v6/scheduler/", true, [&ctx](const Request& request) {
                     return patch_scheduler_settings(ctx, request);
                   }});
  get("/v6/version/", [&ctx](const Request&) { return version_response(ctx.options.version); });
  get("/v6/leader/", [&ctx](const Request&) { return get_leader(ctx); });
  get("/leaderhealth", [&ctx](const Request&) { return get_leaderhealth(ctx); });
  get("/ping", [](const Request&) { return ping_response(); });
  get("/healthz", [&ctx](const Request&) { return get_healthz(ctx); });
  return router;
}

}  // namespace scale::api
