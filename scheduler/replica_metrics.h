#pragma once

// What one replica counts for GET /metrics (Prometheus text format). Owned by the replica process
// and shared with its terms of leadership; counters only grow over the process's life, so a
// scrape never sees one go backwards when a term ends. Written by the leader's loop thread, read
// by HTTP threads: every field is atomic.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "api/prometheus_text.h"
#include "scheduler/latency_samples.h"
#include "scheduler/mesos/call_load.h"
#include "scheduler/scheduling_core.h"

namespace scale::scheduler {

class ReplicaMetrics {
 public:
  void set_leader(bool leader, long long epoch);
  void term_started() { terms_started_.fetch_add(1, std::memory_order_relaxed); }
  void fenced_out_write() { fenced_out_writes_.fetch_add(1, std::memory_order_relaxed); }
  // Adds what a term's counters gained since the previous call with `previous`.
  void add(const SchedulingCounters& now, const SchedulingCounters& previous);
  // Counts each duration into its histogram.
  void observe(const LatencySamples& samples);
  // The leader's backlog as of its last publication; zero while not leading.
  void set_backlog(size_t queued_jobs, size_t unacknowledged_updates);
  // Backpressure as of the leader's last publication; zero while not leading.
  void set_launch_gate(bool held, size_t launches_in_flight);
  // The leader's Mesos calls not answered yet, as of its last publication; zero while not leading.
  void set_mesos_calls(const mesos::CallLoad& load) { mesos_calls_.publish(load); }

  // The replica's families, each with # HELP and # TYPE, names prefixed scale_.
  std::string render() const;

 private:
  std::string render_scheduling_counters() const;
  std::string render_backlog() const;
  std::string render_histograms() const;
  std::string render_mesos_calls() const;

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
  std::atomic<uint64_t> job_timeouts_{0};
  std::atomic<uint64_t> unreachable_expired_{0};
  std::atomic<uint64_t> kill_resends_{0};
  std::atomic<uint64_t> retention_deleted_{0};
  std::atomic<uint64_t> queued_jobs_{0};
  std::atomic<uint64_t> unacknowledged_updates_{0};
  std::atomic<bool> launches_held_{false};
  std::atomic<uint64_t> launches_in_flight_{0};
  std::atomic<uint64_t> launch_holds_{0};
  std::atomic<uint64_t> redeliveries_{0};
  mesos::CallGauge mesos_calls_;
  mutable std::mutex histograms_mutex_;  // observe() on the loop thread, render() on HTTP's
  prometheus::Histogram commit_{prometheus::latency_buckets_seconds()};
  prometheus::Histogram queue_to_launch_{prometheus::latency_buckets_seconds()};
  prometheus::Histogram update_to_ack_{prometheus::latency_buckets_seconds()};
};

}  // namespace scale::scheduler
