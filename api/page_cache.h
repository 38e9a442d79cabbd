#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace scale::api {

// Rendered answers of a read, each kept with the PostgreSQL snapshot its rows were read in
// (db/visible_snapshot.h). A request reads the current snapshot first, one trivial round trip:
// when it equals the kept page's, no transaction has completed since, so the page is still the
// answer, to the byte, and the query and its rendering are skipped. Exact, never stale: a write
// through any replica, or straight into PostgreSQL, changes the snapshot. Thread-safe.
class SnapshotPageCache {
 public:
  // At most `capacity` pages (0: none kept); a new key past it replaces the oldest one stored.
  explicit SnapshotPageCache(size_t capacity);

  // Whether `key` has a page at all: without one, reading the snapshot first is a wasted trip.
  bool holds(const std::string& key) const;
  // The page of `key` if it was read in `snapshot`. Counts a hit or a miss.
  std::optional<std::string> find(const std::string& key, const std::string& snapshot);
  void store(const std::string& key, std::string snapshot, std::string body);

  uint64_t hits() const { return hits_.load(); }
  uint64_t misses() const { return misses_.load(); }

 private:
  struct Page {
    std::string snapshot;
    std::string body;
  };

  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Page> pages_;
  std::deque<std::string> order_;  // keys, oldest stored first
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace scale::api
