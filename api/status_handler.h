#pragma once

#include <chrono>

#include "api/context.h"
#include "api/http_types.h"
#include "api/read_cache.h"

// GET /v6/status/: the leader's last status document, from the in-memory copy.
namespace scale::api {

Response get_status(const Context& ctx);

// GET /v6/status/history/: the last 15 minutes of rates and queue counts this replica sampled
// (api/status_history.h), from memory.
Response get_status_history(const Context& ctx);

// The decision, apart from the clock and the cache: 200 with the document verbatim while it is
// at most max_age old, else 503 saying why (never loaded, none written yet, stale, read from a
// standby further behind than max_age).
Response status_response(const CacheSnapshot& snapshot, std::chrono::seconds max_age,
                         std::chrono::steady_clock::time_point now);

}  // namespace scale::api
