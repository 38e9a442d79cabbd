#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "api/http_types.h"
#include "api/read_cache.h"

namespace scale::api {

// Seconds with one decimal, as the 503 details print ages and lags ("12.3").
std::string seconds_text(double seconds);

// The 503 every read from the database answers while the hot standby it reads (--db_read) is
// further behind the primary than max_age, the status document's own limit: such a replica
// refuses to answer rather than serve what may be stale. nullopt while reads may go ahead.
std::optional<Response> standby_too_far_behind(const CacheSnapshot& snapshot,
                                               std::chrono::seconds max_age,
                                               std::chrono::steady_clock::time_point now);

}  // namespace scale::api
