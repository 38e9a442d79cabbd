#include "api/standby_reads.h"

#include <cstdio>
#include <string>

#include "api/json_response.h"

namespace scale::api {

std::optional<Response> standby_too_far_behind(const CacheSnapshot& snapshot,
                                               std::chrono::seconds max_age,
                                               std::chrono::steady_clock::time_point now) {
  if (!snapshot.standby_lag) return std::nullopt;
  const double lag = snapshot.standby_lag->seconds(now);
  if (lag <= static_cast<double>(max_age.count())) return std::nullopt;
  char text[160];
  std::snprintf(text, sizeof text,
                "the hot standby this replica reads is %.1f s behind the primary (limit %lld s)",
                lag, static_cast<long long>(max_age.count()));
  std::string detail = text;
  if (!snapshot.last_error.empty()) detail += "; database unavailable: " + snapshot.last_error;
  return error_response(503, detail);
}

}  // namespace scale::api
