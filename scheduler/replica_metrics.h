#pragma once

// What one replica counts for GET /metrics (Prometheus text format). Owned by the replica process
// and shared with its terms of leadership; counters only grow over the process's life, so a
// scrape never sees one go backwards when a term ends. Written by the leader's loop thread, read
// by HTTP threads: every field is atomic.

#include <atomic>
#include <cstdint>
#include <string>

#include "scheduler/scheduling_core.h"

namespace scale::scheduler {

class ReplicaMetrics {
 public:
  void set_leader(bool leader, long long epoch);
  void term_started() { terms_started_.fetch_add(1, std::memory_order_relaxed); }
  void fenced_out_write() { fenced_out_writes_.fetch_add(1, std::memory_order_relaxed); }
  // Adds what a term's counters gained since the previous call with `previous`.
  void add(const SchedulingCounters& now, const SchedulingCounters& previous);

  // The replica's families, each with # HELP and # TYPE, names prefixed scale_.
  std::string render() const;

 private:
  std::atomic<bool> leader_{false};
  std::atomic<long long> epoch_{0};
  std::atomic<uint64_t> terms_started_{0};
  std::atomic<uint64_t> fenced_out_writes_{0};
  std::atomic<uint64_t> offers_{0};
  std::atomic<uint64_t> launches_{0};
  std::atomic<uint64_t> updates_{0};
  std::atomic<uint64_t> acknowledgements_{0};
  std::atomic<uint64_t> reconciliation_rounds_{0};
  std::atomic<uint64_t> jobs_finished_{0};
};

}  // namespace scale::scheduler
