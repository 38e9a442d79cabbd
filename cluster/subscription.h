#pragma once

// Callback registrations that end deterministically: what every source of events in cluster/
// (a session, a group, a detector) hands out, and the list it keeps them in.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace scale::cluster {

// A callback registration that is cancelled on destruction, reset or move-assignment. Once
// cancel() returns, the callback is not running and never runs again. Never cancel from inside
// the callback itself (it would wait for itself).
class Subscription {
 public:
  Subscription() = default;
  explicit Subscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  Subscription(Subscription&& other) noexcept : cancel_(std::exchange(other.cancel_, nullptr)) {}
  Subscription& operator=(Subscription&& other) noexcept {
    if (this != &other) {
      cancel();
      cancel_ = std::exchange(other.cancel_, nullptr);
    }
    return *this;
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { cancel(); }

  void cancel() {
    if (auto cancel = std::exchange(cancel_, nullptr)) cancel();
  }
  bool active() const { return static_cast<bool>(cancel_); }

 private:
  std::function<void()> cancel_;
};

// The subscribers of one kind of event. Callbacks run with the list's mutex held, so a
// cancellation waits for a running callback; a callback must therefore never subscribe or cancel
// on the same list. A Subscription outliving the list is harmless.
template <typename... Args>
class Subscribers {
 public:
  Subscription add(std::function<void(Args...)> callback) {
    auto held = lock();
    return add_locked(std::move(callback));
  }
  // add() for a caller holding lock(), e.g. to hand the new subscriber the current value first.
  Subscription add_locked(std::function<void(Args...)> callback) {
    const uint64_t id = state_->next_id++;
    state_->callbacks.emplace(id, std::move(callback));
    return Subscription([weak = std::weak_ptr<State>(state_), id] {
      if (auto state = weak.lock()) {
        std::lock_guard lock(state->mutex);
        state->callbacks.erase(id);
      }
    });
  }

  bool empty() {
    std::lock_guard lock(state_->mutex);
    return state_->callbacks.empty();
  }

  // Holding this lock across a change and its notify_locked() makes the two one step for add():
  // a concurrent subscriber either hears the change or subscribes after it.
  std::unique_lock<std::mutex> lock() { return std::unique_lock(state_->mutex); }
  void notify_locked(const Args&... args) {
    for (auto& [id, callback] : state_->callbacks) callback(args...);
  }
  void notify(const Args&... args) {
    auto held = lock();
    notify_locked(args...);
  }

 private:
  struct State {
    std::mutex mutex;
    std::map<uint64_t, std::function<void(Args...)>> callbacks;
    uint64_t next_id = 1;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace scale::cluster
