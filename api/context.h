#pragma once

#include <functional>
#include <optional>

#include "api/http_metrics.h"
#include "api/http_types.h"
#include "api/page_cache.h"
#include "api/promotion_metrics.h"
#include "api/read_cache.h"
#include "api/server.h"

namespace scale::db {
class Pool;
}

namespace scale::api {

// What every handler may use. Owned by the server and shared with in-flight requests.
struct Context {
  // `reads` is the pool GETs read from: a hot standby's (--db_read), or `pool` itself.
  Context(ServerOptions options, db::Pool& pool, db::Pool& reads, std::function<LocalView()> view);

  // The replica's view of leadership; Unknown if the callback throws (never fails a request).
  LocalView view() const;

  // The 503 a read from `reads` answers instead while that standby is too far behind.
  std::optional<Response> stale_reads() const;
  bool reads_from_standby() const { return &reads != &pool; }

  const ServerOptions options;
  db::Pool& pool;  // the primary: every write, and what a standby has not replayed yet
  db::Pool& reads;
  ReadCache cache;
  SnapshotPageCache job_pages;  // GET /v6/jobs/ answers
  HttpMetrics http_metrics;
  PromotionMetrics promotion_metrics;

 private:
  const std::function<LocalView()> view_;
};

}  // namespace scale::api
