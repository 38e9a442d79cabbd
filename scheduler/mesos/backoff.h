#pragma once

// Reconnect pacing and heartbeat-loss detection (spec A.11). Pure: time is passed in, so the
// state machine that uses them is tested without sleeping.

#include <chrono>

namespace scale::mesos {

using Clock = std::chrono::steady_clock;

// Truncated exponential backoff: initial, 2x, 4x ... capped at max. reset() after a success.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
      : initial_(initial), max_(max) {}
  // The delay before the next attempt; each call doubles the following one.
  std::chrono::milliseconds next();
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  int failures_ = 0;
};

// A stream is dead after `missed_heartbeats` intervals without any event; a half-open TCP
// connection (partition) never reports EOF, so silence is the only signal.
class HeartbeatWatchdog {
 public:
  static constexpr int kMissedHeartbeats = 5;

  void arm(std::chrono::duration<double> interval, Clock::time_point now) {
    timeout_ = std::chrono::duration_cast<Clock::duration>(interval * kMissedHeartbeats);
    last_event_ = now;
    armed_ = interval.count() > 0;
  }
  void disarm() { armed_ = false; }
  void on_event(Clock::time_point now) { last_event_ = now; }
  bool expired(Clock::time_point now) const { return armed_ && now - last_event_ >= timeout_; }
  Clock::time_point deadline() const { return last_event_ + timeout_; }
  bool armed() const { return armed_; }

 private:
  bool armed_ = false;
  Clock::duration timeout_{};
  Clock::time_point last_event_{};
};

}  // namespace scale::mesos
