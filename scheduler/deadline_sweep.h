#pragma once

// When the leader looks for executions past their deadlines: a job's timeout_s, and an agent
// unreachable longer than --unreachable_timeout_s. The deadlines themselves live in the database
// (started_at + timeout_s, unreachable_at), so nothing here is lost with a term; this only paces
// the fenced queries that find them, one per interval, on the leader's loop thread.

#include <chrono>
#include <optional>

namespace scale::scheduler {

class DeadlineSweep {
 public:
  using Clock = std::chrono::steady_clock;

  explicit DeadlineSweep(std::chrono::milliseconds interval) : interval_(interval) {}

  // True when a sweep is due at `now` (the first one at once); the next is then an interval on.
  bool take_due(Clock::time_point now) {
    if (next_ && now < *next_) return false;
    next_ = now + interval_;
    return true;
  }
  std::optional<Clock::time_point> next_due() const { return next_; }

 private:
  std::chrono::milliseconds interval_;
  std::optional<Clock::time_point> next_;
};

}  // namespace scale::scheduler
