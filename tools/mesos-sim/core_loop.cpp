#include "core_loop.h"

#include <chrono>

namespace mesos_sim {

CoreLoop::CoreLoop(std::function<void(Millis)> tick, std::function<void()> flush, int tick_ms)
    : tick_(std::move(tick)), flush_(std::move(flush)), tick_ms_(tick_ms) {
  thread_ = std::thread([this] { run(); });
}

CoreLoop::~CoreLoop() {
  stop();
}

Millis CoreLoop::now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void CoreLoop::post(Work work) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    was_empty = queue_.empty();
    queue_.push_back(std::move(work));
  }
  // Only the first post of a batch wakes the loop: a signal per request costs more than the
  // work under load (context switches dominated the profile).
  if (was_empty) wake_.notify_one();
}

void CoreLoop::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void CoreLoop::run() {
  std::vector<Work> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(tick_ms_),
                     [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      batch.swap(queue_);
    }
    Millis now = CoreLoop::now();
    for (auto& work : batch) work(now);
    batch.clear();
    tick_(now);
    flush_();
  }
}

}  // namespace mesos_sim
