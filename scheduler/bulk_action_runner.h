#pragma once

// Carries out stored bulk cancels and requeues (table job_bulk_action) one fenced batch per loop
// turn, so a request over a million jobs never holds the leader's loop for long. A new term starts
// pending: it finishes what a predecessor accepted (202) and did not complete.

#include <chrono>
#include <optional>
#include <vector>

#include "scheduler/leader_persistence.h"

namespace scale::scheduler {

class BulkActionRunner {
 public:
  using Clock = std::chrono::steady_clock;

  explicit BulkActionRunner(int batch_size) : batch_size_(batch_size) {}

  // A request was stored (NOTIFY scale_job_actions) or may have been missed.
  void wake() { pending_ = true; }
  // When run() has work: now while batches remain, later after a failed one.
  std::optional<Clock::time_point> next_due() const;

  // One batch when due: the ids of the jobs it changed, for the queue and the kills. Throws
  // db::FencedOut; any other database error is logged and retried a second later.
  std::vector<long long> run(LeaderPersistence& db, Clock::time_point now);

 private:
  const int batch_size_;
  bool pending_ = true;
  Clock::time_point retry_at_{};
};

}  // namespace scale::scheduler
