#pragma once

// Time as the leader reads it, handed in so tests can set it (STYLE.md: a class never reads the
// clock on its own).

#include <chrono>

namespace scale::scheduler {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;   // for intervals and deadlines
  virtual std::chrono::system_clock::time_point wall() const = 0;  // for timestamps shown
};

class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  std::chrono::system_clock::time_point wall() const override {
    return std::chrono::system_clock::now();
  }
};

}  // namespace scale::scheduler
