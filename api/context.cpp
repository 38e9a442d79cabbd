#include "api/context.h"

#include <glog/logging.h>

#include "db/connection.h"

namespace scale::api {

Context::Context(ServerOptions opts, db::Pool& db_pool, std::function<LocalView()> view)
    : options(std::move(opts)),
      pool(db_pool),
      cache(db_pool.conninfo(), options.cache_refresh, options.status_max_age),
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

}  // namespace scale::api
