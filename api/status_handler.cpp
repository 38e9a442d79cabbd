#include "api/status_handler.h"

#include "api/json_response.h"
#include "api/standby_reads.h"

namespace scale::api {
Response status_response(const CacheSnapshot& snapshot, std::chrono::seconds max_age,
                         std::chrono::steady_clock::time_point now) {
  if (!snapshot.status) {
    if (!snapshot.loaded) {
      return error_response(503,
                            "status unavailable: database unavailable: " + snapshot.last_error);
    }
    return error_response(503, "no status document has been written yet (no leader has run)");
  }
  if (auto refused = standby_too_far_behind(snapshot, max_age, now)) return *refused;
  const double age = snapshot.status->age_seconds(now);
  if (age > static_cast<double>(max_age.count())) {
    std::string detail = "status document is stale: written " + seconds_text(age) +
                         " s ago (limit " + std::to_string(max_age.count()) + " s)";
    if (snapshot.standby_lag)
      detail += "; read from a hot standby " + seconds_text(snapshot.standby_lag->seconds(now)) +
                " s behind the primary";
    if (!snapshot.last_error.empty()) detail += "; database unavailable: " + snapshot.last_error;
    return error_response(503, detail);
  }
  return json_response(200, snapshot.status->document);
}

Response get_status(const Context& ctx) {
  return status_response(*ctx.cache.snapshot(), ctx.options.status_max_age,
                         std::chrono::steady_clock::now());
}

Response get_status_history(const Context& ctx) {
  return json_response(200, ctx.cache.history().to_json(std::chrono::system_clock::now()));
}

}  // namespace scale::api
