#pragma once

// Deletes old finished jobs (--retain_finished_days) in small fenced batches, at most one batch
// per period and never in the first period of a term, so it stays off the promotion and off the
// hot path of a busy loop.

#include <chrono>

#include "scheduler/leader_persistence.h"

namespace scale::scheduler {

class RetentionSweeper {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    int days = 0;  // 0: keep finished jobs forever
    std::chrono::milliseconds period{5000};
    int batch_size = 1000;
  };

  explicit RetentionSweeper(Options options) : options_(options) {}

  // Jobs deleted by this call (0 when not due). Throws db::FencedOut; any other database error
  // is logged and the batch retried a period later.
  long long run(LeaderPersistence& db, Clock::time_point now);

 private:
  const Options options_;
  Clock::time_point next_{};
  bool started_ = false;
  bool warned_ = false;
};

}  // namespace scale::scheduler
