#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace scale::scheduler {

// The leader's inbox: edge threads (ZooKeeper callbacks, signal handling, later the Mesos stream
// reader and NOTIFY listener) push events; the single scheduling thread pops them in order.
template <typename Event>
class EventQueue {
 public:
  // Only a push into an empty queue wakes the consumer: it waits only when the queue is empty,
  // and a wake-up per event (a futex call, often a context switch) costs more than the event.
  void push(Event event) {
    bool was_empty;
    {
      std::lock_guard lock(mutex_);
      was_empty = events_.empty();
      events_.push_back(std::move(event));
    }
    if (was_empty) ready_.notify_one();
  }

  // Next event, or nullopt when the deadline passes first.
  std::optional<Event> pop_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_until(lock, deadline, [this] { return !events_.empty(); })) {
      return std::nullopt;
    }
    Event event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Event> events_;
};

}  // namespace scale::scheduler
