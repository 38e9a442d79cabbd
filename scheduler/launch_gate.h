#pragma once

// Backpressure on launching. A backlog launched faster than its status updates are stored and
// acknowledged leaves Mesos redelivering the unacknowledged ones, and the redeliveries eat the
// CPU the launches need (Marathon's launch tokens and Singularity's bounded status queue tie
// launching to the update path for the same reason). Launches are held while more updates than
// the bound wait for their ACKNOWLEDGE or the launched tasks with no update yet reach theirs, and
// resume once both are back at or under a low-water mark, so the gate does not flap at the bound;
// while open, a turn launches no more than the room left under the bound on launches in flight.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace scale::scheduler {

struct LaunchLoad {
  // Received and not acknowledged yet: waiting for the turn's commit, or ACKNOWLEDGE queued or
  // in flight.
  size_t unacknowledged_updates = 0;
  // Launched this term (ACCEPT sent) and not yet heard of in any update.
  size_t launches_in_flight = 0;
};

class LaunchGate {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    size_t max_unacknowledged_updates = 10000;  // 0: no bound
    size_t max_launches_in_flight = 20000;      // 0: no bound
    // Launching resumes once both are at or below this share of their bound.
    double resume_fraction = 0.5;
  };

  explicit LaunchGate(Options options) : options_(options) {}

  // This turn's load; returns whether launches are held for it.
  bool observe(const LaunchLoad& load, Clock::time_point now);

  bool held() const { return held_since_.has_value(); }
  std::optional<Clock::time_point> held_since() const { return held_since_; }
  const LaunchLoad& load() const { return load_; }
  const Options& options() const { return options_; }
  uint64_t holds() const { return holds_; }  // times launching was held this term
  // How many tasks this turn may launch without passing the bound on launches in flight.
  size_t launch_room() const;
  // What holds launching, in an operator's words (empty while not held).
  std::string reason() const;

 private:
  bool over_bound() const;
  bool under_low_water() const;

  Options options_;
  LaunchLoad load_;
  std::optional<Clock::time_point> held_since_;
  uint64_t holds_ = 0;
};

}  // namespace scale::scheduler
