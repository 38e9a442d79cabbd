#include "api/standby_reads.h"

#include <cstdio>
#include <string>

#include "api/json_response.h"

namespace scale::api {

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", seconds);
  return text;
}

std::optional<Response> standby_too_far_behind(const CacheSnapshot& snapshot,
                                               std::chrono::seconds max_age,
                                               std::chrono::steady_clock::time_point now) {
  if (!snapshot.standby_lag) return std::nullopt;
  const double lag = snapshot.standby_lag->seconds(now);
  if (lag <= static_cast<double>(max_age.count())) return std::nullopt;
  std::string detail = "the hot standby this replica reads is " + seconds_text(lag) +
                       " s behind the primary (limit " + std::to_string(max_age.count()) + " s)";
  if (!snapshot.last_error.empty()) detail += "; database unavailable: " + snapshot.last_error;
  return error_response(503, detail);
}

}  // namespace scale::api
