#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The last minutes of the scheduler's rates and queue, kept in memory by every replica so the
// console's charts show a quarter of an hour the moment a page opens, without a time-series
// database. Fed by the read cache (api/read_cache.*) from the status document it already holds.
namespace scale::api {

// One point of every chart; a field is empty when it was unknown at that time (no fresh status
// document, database unreachable): the charts show a gap there rather than a made-up zero.
struct HistorySample {
  std::chrono::system_clock::time_point at;
  std::optional<double> jobs_launched_per_sec;  // scheduler.metrics of the status document
  std::optional<double> jobs_finished_per_sec;
  std::optional<double> task_updates_per_sec;
  std::optional<long long> queued;  // jobs QUEUED and RUNNING, counted in PostgreSQL
  std::optional<long long> running;
};

// A sample at `at` that knows nothing: a gap in every chart.
HistorySample unknown_sample(std::chrono::system_clock::time_point at);

// A ring of the newest `capacity` samples, at most one per `interval`. Thread-safe.
class StatusHistory {
 public:
  static constexpr size_t kDefaultCapacity = 180;  // 15 minutes of 5 s samples
  static constexpr std::chrono::seconds kDefaultInterval{5};

  explicit StatusHistory(size_t capacity = kDefaultCapacity,
                         std::chrono::milliseconds interval = kDefaultInterval);

  // True when no sample was taken yet or the last one is at least `interval` old.
  bool due(std::chrono::steady_clock::time_point now) const;
  // Appends `sample`, dropping the oldest one when full; `now` is when it counts as taken.
  void add(std::chrono::steady_clock::time_point now, HistorySample sample);
  std::vector<HistorySample> samples() const;  // oldest first

  // GET /v6/status/history/: {"interval_s", "capacity", "now_ms", "samples": [{"time_ms",
  // "jobs_launched_per_sec", "jobs_finished_per_sec", "task_updates_per_sec", "queued",
  // "running"}]}, times in milliseconds since the Unix epoch, unknown values null.
  std::string to_json(std::chrono::system_clock::time_point now) const;

 private:
  const size_t capacity_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::vector<HistorySample> ring_;  // guarded by mutex_; ring_[next_] is the oldest when full
  size_t next_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_;
};

// A sample at `at` with the three rates of a status document's scheduler.metrics; a rate is
// empty when the text is not a JSON object or the key is missing or not a number.
HistorySample sample_from_status(std::string_view document,
                                 std::chrono::system_clock::time_point at);

}  // namespace scale::api
