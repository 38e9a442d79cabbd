#pragma once

// The one thread that owns the Master. HTTP threads post closures; the loop runs them in order,
// then the master's timers, then flushes the batched stream writes and the journal. Batching
// all events of one iteration into one write per stream is what keeps the emulator fast.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "model.h"

namespace mesos_sim {

class CoreLoop {
 public:
  using Work = std::function<void(Millis now)>;
  // tick runs after every batch of work (and at least every tick_ms); flush after tick.
  CoreLoop(std::function<void(Millis)> tick, std::function<void()> flush, int tick_ms);
  ~CoreLoop();  // stops and joins
  CoreLoop(const CoreLoop&) = delete;
  CoreLoop& operator=(const CoreLoop&) = delete;

  void post(Work work);
  void stop();
  static Millis now();

 private:
  void run();

  std::function<void(Millis)> tick_;
  std::function<void()> flush_;
  int tick_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Work> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mesos_sim
