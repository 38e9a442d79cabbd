#include "api/context.h"

#include <glog/logging.h>

#include "api/standby_reads.h"
#include "db/connection.h"

namespace scale::api {

Context::Context(ServerOptions opts, db::Pool& db_pool, db::Pool& read_pool,
                 std::function<LocalView()> view)
    : options(std::move(opts)),
      pool(db_pool),
      reads(read_pool),
      cache(read_pool.conninfo(), options.cache_refresh, options.status_max_age),
      job_pages(options.job_pages_kept),
      view_(std::move(view)) {}

LocalView Context::view() const {
  if (!view_) return {};
  try {
    return view_();
  } catch (const std::exception& e) {
    LOG_EVERY_N(WARNING, 100) << "api: leadership view failed: " << e.what();
  } catch (...) {
    LOG_EVERY_N(WARNING, 100) << "api: leadership view failed";
  }
  return {};
}

std::optional<Response> Context::stale_reads() const {
  return standby_too_far_behind(*cache.snapshot(), options.status_max_age,
                                std::chrono::steady_clock::now());
}

}  // namespace scale::api
