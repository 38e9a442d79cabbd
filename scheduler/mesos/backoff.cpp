#include "scheduler/mesos/backoff.h"

#include <algorithm>

namespace scale::mesos {

std::chrono::milliseconds Backoff::next() {
  // Stop doubling once past the cap so the shift cannot overflow.
  int exponent = std::min(failures_, 30);
  ++failures_;
  auto delay = initial_ * (int64_t{1} << exponent);
  return std::min(delay, max_);
}

}  // namespace scale::mesos
