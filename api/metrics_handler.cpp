#include "api/metrics_handler.h"

#include <glog/logging.h>

#include <chrono>
#include <sstream>

#include "db/connection.h"
#include "db/queue_stats_store.h"

namespace scale::api {

namespace {

constexpr std::chrono::milliseconds kLeaseTimeout{1000};

// Jobs by state, or scale_database_up 0 when PostgreSQL does not answer: a scrape still succeeds
// and says why the queue figures are missing.
void write_queue(Context& ctx, std::ostringstream& out) {
  bool up = false;
  db::QueuedResources totals;
  try {
    auto lease = ctx.pool.acquire(kLeaseTimeout);
    totals = db::QueueStatsStore::read(*lease);
    up = true;
  } catch (const std::exception& e) {
    LOG(WARNING) << "api: /metrics could not read the queue: " << e.what();
  }
  out << "# HELP scale_database_up 1 when this replica's last query to PostgreSQL succeeded.\n"
      << "# TYPE scale_database_up gauge\nscale_database_up " << (up ? 1 : 0) << '\n';
  if (!up) return;
  out << "# HELP scale_jobs Jobs by state (Scale's queue_lengths).\n# TYPE scale_jobs gauge\n"
      << "scale_jobs{state=\"PENDING\"} " << totals.pending.count << '\n'
      << "scale_jobs{state=\"QUEUED\"} " << totals.queued.count << '\n'
      << "scale_jobs{state=\"RUNNING\"} " << totals.running.count << '\n';
}

// From the status document held in memory: the age of the last one written by a leader, and the
// promotion steps of its term history.
void write_status(Context& ctx, std::ostringstream& out) {
  const auto snapshot = ctx.cache.snapshot();
  if (snapshot->status) {
    ctx.promotion_metrics.observe(snapshot->status->document);
    out << "# HELP scale_status_document_age_seconds Age of the last status document a leader "
           "wrote, as this replica sees it.\n# TYPE scale_status_document_age_seconds gauge\n"
        << "scale_status_document_age_seconds "
        << prometheus::format_number(
               snapshot->status->age_seconds(std::chrono::steady_clock::now()))
        << '\n';
  }
  out << ctx.promotion_metrics.render();
}

void write_job_pages(const Context& ctx, std::ostringstream& out) {
  out << "# HELP scale_api_job_pages_total GET /v6/jobs/ answers by whether a page kept for the "
         "same PostgreSQL snapshot was served (hit) or a kept page had to be read again (miss).\n"
      << "# TYPE scale_api_job_pages_total counter\n"
      << "scale_api_job_pages_total{cache=\"hit\"} " << ctx.job_pages.hits() << '\n'
      << "scale_api_job_pages_total{cache=\"miss\"} " << ctx.job_pages.misses() << '\n';
}

}  // namespace

Response get_metrics(Context& ctx) {
  std::ostringstream out;
  if (ctx.options.replica_metrics) out << ctx.options.replica_metrics();
  write_queue(ctx, out);
  write_status(ctx, out);
  write_job_pages(ctx, out);
  out << ctx.http_metrics.render();
  Response response;
  response.status = 200;
  response.body = out.str();
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return response;
}

}  // namespace scale::api
