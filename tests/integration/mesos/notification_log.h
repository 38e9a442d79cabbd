#pragma once

// Collects a MesosConnection's notifications (delivered on client threads) for assertions.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "scheduler/mesos/mesos_connection.h"

namespace scale::mesos::testing {

class NotificationLog {
 public:
  MesosConnection::NotificationCallback callback() {
    return [this](Notification n) {
      std::lock_guard lock(mu_);
      log_.push_back(std::move(n));
      cv_.notify_all();
    };
  }
  bool wait(const std::function<bool(const std::vector<Notification>&)>& pred,
            std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(log_); });
  }
  // Waits for the n-th (1-based) event of a type.
  bool wait_event(EventType type, std::chrono::milliseconds timeout, int n = 1) {
    return wait([&](const auto& log) { return count_events(log, type) >= n; }, timeout);
  }
  template <typename T>
  bool wait_kind(std::chrono::milliseconds timeout, int n = 1) {
    return wait(
        [&](const auto& log) {
          int c = 0;
          for (const auto& x : log) c += std::holds_alternative<T>(x);
          return c >= n;
        },
        timeout);
  }
  std::vector<Notification> snapshot() {
    std::lock_guard lock(mu_);
    return log_;
  }
  template <typename T>
  static int count_kind(const std::vector<Notification>& log) {
    int c = 0;
    for (const auto& x : log) c += std::holds_alternative<T>(x);
    return c;
  }
  static int count_events(const std::vector<Notification>& log, EventType type) {
    int c = 0;
    for (const auto& x : log) {
      if (auto* e = std::get_if<Event>(&x); e && e->type == type) ++c;
    }
    return c;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Notification> log_;
};

}  // namespace scale::mesos::testing
