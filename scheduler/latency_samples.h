#pragma once

// Durations the leader's loop measures for the /metrics histograms, gathered between two
// publications to ReplicaMetrics. Only the loop thread appends; each list is capped so a replica
// without a metrics sink never grows without bound.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace scale::scheduler {

struct LatencySamples {
  static constexpr size_t kCap = 100000;

  std::vector<double> commit_s;           // each fenced turn commit, failed ones included
  std::vector<double> queue_to_launch_s;  // a job's queued time to its ACCEPT
  std::vector<double> update_to_ack_s;    // a status update's arrival to its ACKNOWLEDGE

  static void add(std::vector<double>& list, std::chrono::duration<double> took) {
    if (list.size() < kCap) list.push_back(took.count());
  }
  // A launch of a job queued at `queued_at_us` (job.queued_at, wall clock, microseconds since the
  // Unix epoch); unknown (0) is left out.
  void add_since_queued(long long queued_at_us) {
    if (queued_at_us <= 0) return;
    const auto queued =
        std::chrono::system_clock::time_point(std::chrono::microseconds(queued_at_us));
    add(queue_to_launch_s, std::max(std::chrono::system_clock::duration::zero(),
                                    std::chrono::system_clock::now() - queued));
  }
};

}  // namespace scale::scheduler
