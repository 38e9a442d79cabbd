#include "scheduler/launch_gate.h"

#include <glog/logging.h>

#include <limits>

namespace scale::scheduler {
namespace {

bool over(size_t value, size_t bound) {
  return bound > 0 && value > bound;
}

bool full(size_t value, size_t bound) {
  return bound > 0 && value >= bound;
}

bool at_or_under(size_t value, size_t bound, double fraction) {
  return bound == 0 || static_cast<double>(value) <= static_cast<double>(bound) * fraction;
}

}  // namespace

bool LaunchGate::over_bound() const {
  return over(load_.unacknowledged_updates, options_.max_unacknowledged_updates) ||
         full(load_.launches_in_flight, options_.max_launches_in_flight);
}

bool LaunchGate::under_low_water() const {
  return at_or_under(load_.unacknowledged_updates, options_.max_unacknowledged_updates,
                     options_.resume_fraction) &&
         at_or_under(load_.launches_in_flight, options_.max_launches_in_flight,
                     options_.resume_fraction);
}

bool LaunchGate::observe(const LaunchLoad& load, Clock::time_point now) {
  load_ = load;
  if (!held() && over_bound()) {
    held_since_ = now;
    ++holds_;
    LOG(INFO) << "leader: launches held: " << reason();
  } else if (held() && under_low_water()) {
    const auto held_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - *held_since_).count();
    held_since_.reset();
    LOG(INFO) << "leader: launches resumed after " << held_ms << " ms held ("
              << load_.unacknowledged_updates << " update(s) unacknowledged, "
              << load_.launches_in_flight << " launch(es) in flight)";
  }
  return held();
}

size_t LaunchGate::launch_room() const {
  if (held()) return 0;
  const size_t bound = options_.max_launches_in_flight;
  if (bound == 0) return std::numeric_limits<size_t>::max();
  return load_.launches_in_flight >= bound ? 0 : bound - load_.launches_in_flight;
}

std::string LaunchGate::reason() const {
  if (!held()) return {};
  const auto part = [this](size_t value, size_t bound, const char* what) {
    if (bound == 0) return std::to_string(value) + " " + what;
    const auto low = static_cast<size_t>(static_cast<double>(bound) * options_.resume_fraction);
    return std::to_string(value) + " " + what + " (bound " + std::to_string(bound) +
           ", resumes at " + std::to_string(low) + ")";
  };
  return part(load_.unacknowledged_updates, options_.max_unacknowledged_updates,
              "status update(s) not yet acknowledged") +
         ", " +
         part(load_.launches_in_flight, options_.max_launches_in_flight,
              "launched task(s) with no update yet");
}

}  // namespace scale::scheduler
