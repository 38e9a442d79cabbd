#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "api/status_history.h"
#include "db/fence.h"
#include "db/scheduler_settings_store.h"

namespace scale::db {
class Connection;
}

namespace scale::api {

struct CachedStatus {
  std::string document;            // stored JSON text, served verbatim
  double age_seconds_at_read = 0;  // the database's now() - updated_at when it was read
  std::chrono::steady_clock::time_point read_at;

  // The database's age at read time plus the time passed here since, so a copy that stops
  // refreshing (database gone) keeps ageing and is reported stale; no clock sync between hosts.
  double age_seconds(std::chrono::steady_clock::time_point now) const;
};

// How far behind the primary the hot standby the cache reads from (--db_read) was, ageing like
// the status copy: a standby that stops answering is soon reported as too far behind.
struct StandbyLag {
  double seconds_at_read = 0;
  std::chrono::steady_clock::time_point read_at;

  double seconds(std::chrono::steady_clock::time_point now) const;
};

// One consistent picture of what the API serves from memory.
struct CacheSnapshot {
  bool loaded = false;                 // some refresh has succeeded since start
  std::string last_error;              // why the latest refresh failed; "" when it succeeded
  std::optional<CachedStatus> status;  // nullopt: no status row yet
  std::optional<db::SchedulerSettings> settings;
  std::optional<db::LeaderRecord> leader;  // the fence row, if any
  std::optional<StandbyLag> standby_lag;   // set while the database read is a hot standby
};

// In-memory copies of the status document, the settings row and the fence row, so GET handlers
// never wait on PostgreSQL. A thread of its own LISTENs on scale_status and scale_settings with a
// dedicated connection (not the pool: it blocks in wait_notifications) and also polls every
// `refresh`, because NOTIFYs are lost while disconnected and the fence row sends none. A hot
// standby refuses LISTEN: there the cache only polls, and also reads how far its replay is behind.
// Every few seconds it also adds a sample to the history of the console's charts: the rates of the
// status document (when it is fresher than `status_max_age`) and the queue's counts.
class ReadCache {
 public:
  ReadCache(std::string conninfo, std::chrono::milliseconds refresh,
            std::chrono::seconds status_max_age = std::chrono::seconds(12));
  ~ReadCache();
  ReadCache(const ReadCache&) = delete;
  ReadCache& operator=(const ReadCache&) = delete;

  // Refreshes once before returning (best effort: a down database is recorded, not thrown), so
  // the first requests after start already see data, then starts the refresh thread.
  void start();
  void stop();  // idempotent; joins the thread

  std::shared_ptr<const CacheSnapshot> snapshot() const;

  // Publishes settings this replica just wrote, so its own next GET reads them back at once.
  void store_settings(const db::SchedulerSettings& settings);

  const StatusHistory& history() const { return history_; }

 private:
  std::unique_ptr<db::Connection> connect();
  void refresh(db::Connection& conn);
  void record_error(const std::string& error);
  void sample_history(db::Connection& conn, const std::optional<CachedStatus>& status);
  void run(std::stop_token stop, std::unique_ptr<db::Connection> conn);
  void serve(std::stop_token stop, db::Connection& conn);

  const std::string conninfo_;
  const std::chrono::milliseconds refresh_;
  const std::chrono::seconds status_max_age_;
  StatusHistory history_;
  mutable std::mutex mutex_;
  std::shared_ptr<const CacheSnapshot> snapshot_;
  uint64_t settings_generation_ = 0;  // bumped by store_settings; guarded by mutex_
  bool reading_standby_ = false;      // the current connection's server was a hot standby
  std::jthread thread_;
};

}  // namespace scale::api
