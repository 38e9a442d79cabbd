#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "cluster.h"

// Small helpers every fault injector uses.
namespace scale::drill {

// Undoes a fault when the scope ends, also on an early return or an interrupted drill, so the
// cluster is never left with a frozen replica, a cut link or a stopped server.
class Restore {
 public:
  explicit Restore(std::function<void()> fn) : fn_(std::move(fn)) {}
  ~Restore() { now(); }
  Restore(const Restore&) = delete;
  Restore& operator=(const Restore&) = delete;
  void now() {
    if (fn_) std::exchange(fn_, nullptr)();
  }

 private:
  std::function<void()> fn_;
};

// The process behind a pid file is the one tools/cluster started only if its command line says
// so: a stale pid file must never make the drill signal an unrelated process.
bool command_line_has(pid_t pid, const std::string& needle);

// Sends sig to the process in <run>/<name>.pid if its command line holds needle; "" or why not.
std::string signal_named(const Cluster& cluster, const std::string& name, const std::string& needle,
                         int sig);

inline double ms_between(double from, double to) {
  return (to - from) * 1000.0;
}

// Polls pred every 50 ms until it holds (true), the wall-clock deadline passes or the drill is
// interrupted (false).
template <typename Pred>
bool poll_until(double deadline, const std::atomic<bool>& interrupted, Pred pred) {
  for (;;) {
    if (pred()) return true;
    if (interrupted || wall_now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace scale::drill
