#include "api/read_cache.h"

#include <glog/logging.h>

#include <algorithm>
#include <condition_variable>

#include "db/connection.h"
#include "db/error.h"
#include "db/queue_stats_store.h"
#include "db/replay_state.h"
#include "db/status_store.h"

namespace scale::api {
namespace {

using Clock = std::chrono::steady_clock;

// Upper bound of one wait for notifications, so stop() is never held up by a long poll period.
constexpr std::chrono::milliseconds kMaxWaitSlice{100};

void sleep_for(std::stop_token stop, std::chrono::milliseconds duration) {
  std::mutex mutex;
  std::unique_lock lock(mutex);
  std::condition_variable_any().wait_for(lock, stop, duration, [] { return false; });
}

double aged(double seconds_at_read, Clock::time_point read_at, Clock::time_point now) {
  const std::chrono::duration<double> since_read = now - read_at;
  return seconds_at_read + std::max(0.0, since_read.count());
}

}  // namespace

double CachedStatus::age_seconds(Clock::time_point now) const {
  return aged(age_seconds_at_read, read_at, now);
}

double StandbyLag::seconds(Clock::time_point now) const {
  return aged(seconds_at_read, read_at, now);
}

ReadCache::ReadCache(std::string conninfo, std::chrono::milliseconds refresh,
                     std::chrono::seconds status_max_age)
    : conninfo_(std::move(conninfo)),
      refresh_(std::max(refresh, std::chrono::milliseconds(10))),
      status_max_age_(status_max_age),
      snapshot_(std::make_shared<CacheSnapshot>()) {}

ReadCache::~ReadCache() {
  stop();
}

void ReadCache::start() {
  if (thread_.joinable()) return;
  auto conn = connect();
  if (conn) {
    try {
      refresh(*conn);
    } catch (const std::exception& e) {
      record_error(e.what());
      conn.reset();
    }
  }
  thread_ = std::jthread(
      [this, c = std::move(conn)](std::stop_token stop) mutable { run(stop, std::move(c)); });
}

void ReadCache::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

std::shared_ptr<const CacheSnapshot> ReadCache::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

void ReadCache::store_settings(const db::SchedulerSettings& settings) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<CacheSnapshot>(*snapshot_);
  next->settings = settings;
  snapshot_ = std::move(next);
  ++settings_generation_;
}

std::unique_ptr<db::Connection> ReadCache::connect() {
  try {
    auto conn = std::make_unique<db::Connection>(conninfo_);
    reading_standby_ = db::replay_state(*conn).standby;
    if (reading_standby_) {
      LOG(INFO) << "api cache: reading a hot standby: polling every " << refresh_.count() << " ms";
    } else {
      conn->listen("scale_status");
      conn->listen("scale_settings");
    }
    return conn;
  } catch (const std::exception& e) {
    record_error(e.what());
    return nullptr;
  }
}

void ReadCache::refresh(db::Connection& conn) {
  uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = settings_generation_;
  }
  auto next = std::make_shared<CacheSnapshot>();
  // A primary stays one for as long as the connection lasts; a standby may be promoted under it.
  const auto replay = reading_standby_ ? db::replay_state(conn) : db::ReplayState{};
  reading_standby_ = replay.standby;
  auto stored = db::StatusStore::read(conn);
  const auto read_at = Clock::now();
  if (replay.standby) next->standby_lag = StandbyLag{replay.lag_seconds, read_at};
  if (stored)
    next->status = CachedStatus{std::move(stored->document), stored->age_seconds, read_at};
  next->settings = db::SchedulerSettingsStore::get(conn);
  next->leader = db::Fence::current(conn);
  next->loaded = true;
  std::optional<CachedStatus> status = next->status;
  {
    std::lock_guard lock(mutex_);
    // A PATCH answered while we were reading published settings at least as new as ours: keep
    // them rather than briefly serving the value from before the user's own write.
    if (generation != settings_generation_) next->settings = snapshot_->settings;
    snapshot_ = std::move(next);
  }
  sample_history(conn, status);
}

// After the snapshot is published, so the extra query of a sample never delays what GET serves.
void ReadCache::sample_history(db::Connection& conn, const std::optional<CachedStatus>& status) {
  const auto now = Clock::now();
  if (!history_.due(now)) return;
  const auto at = std::chrono::system_clock::now();
  // A stale document is what /v6/status/ refuses to serve: its rates are unknown, not current.
  const bool fresh =
      status && status->age_seconds(now) <= static_cast<double>(status_max_age_.count());
  HistorySample sample = fresh ? sample_from_status(status->document, at) : unknown_sample(at);
  try {
    const auto counts = db::QueueStatsStore::counts(conn);
    sample.queued = counts.queued;
    sample.running = counts.running;
  } catch (...) {
    history_.add(now, std::move(sample));
    throw;  // the connection may be broken: serve() reconnects
  }
  history_.add(now, std::move(sample));
}

void ReadCache::record_error(const std::string& error) {
  std::lock_guard lock(mutex_);
  if (snapshot_->last_error != error) {
    LOG(WARNING) << "api cache: refresh failed: " << error;
  }
  // Keep the old copies: the status copy keeps ageing from its read time, so it turns stale on
  // its own; settings and leader stay the last known values.
  auto next = std::make_shared<CacheSnapshot>(*snapshot_);
  next->last_error = error.empty() ? "unknown error" : error;
  snapshot_ = std::move(next);
  // Nothing is known while the database is unreachable: a gap in the charts, not the old values.
  const auto now = Clock::now();
  if (history_.due(now)) history_.add(now, unknown_sample(std::chrono::system_clock::now()));
}

void ReadCache::run(std::stop_token stop, std::unique_ptr<db::Connection> conn) {
  while (!stop.stop_requested()) {
    if (!conn) {
      sleep_for(stop, refresh_);
      if (stop.stop_requested()) break;
      conn = connect();
      if (!conn) continue;
      LOG(INFO) << "api cache: database connection (re)established";
    }
    try {
      serve(stop, *conn);
    } catch (const std::exception& e) {
      record_error(e.what());
    }
    conn.reset();  // broken, or a query failed: reconnect (and so re-LISTEN) on the next turn
  }
}

// Refreshes now, then whenever a NOTIFY arrives or the poll period passes. Returns (or throws)
// when the connection is no longer usable.
void ReadCache::serve(std::stop_token stop, db::Connection& conn) {
  auto next_refresh = Clock::now();
  while (!stop.stop_requested() && conn.ok()) {
    if (Clock::now() >= next_refresh) {
      refresh(conn);
      next_refresh = Clock::now() + refresh_;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_refresh - Clock::now());
    const auto wait = std::clamp(left, std::chrono::milliseconds(0), kMaxWaitSlice);
    if (!conn.wait_notifications(wait).empty()) next_refresh = Clock::now();
  }
  if (!conn.ok() && !stop.stop_requested()) record_error("database connection lost");
}

}  // namespace scale::api
