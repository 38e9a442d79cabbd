#pragma once

#include <functional>

#include "api/http_metrics.h"
#include "api/promotion_metrics.h"
#include "api/read_cache.h"
#include "api/server.h"

namespace scale::db {
class Pool;
}

namespace scale::api {

// What every handler may use. Owned by the server and shared with in-flight requests.
struct Context {
  Context(ServerOptions options, db::Pool& pool, std::function<LocalView()> view);

  // The replica's view of leadership; Unknown if the callback throws (never fails a request).
  LocalView view() const;

  const ServerOptions options;
  db::Pool& pool;
  ReadCache cache;
  HttpMetrics http_metrics;
  PromotionMetrics promotion_metrics;

 private:
  const std::function<LocalView()> view_;
};

}  // namespace scale::api
