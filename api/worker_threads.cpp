#include "api/worker_threads.h"

#include <glog/logging.h>

#include <algorithm>

namespace scale::api {

WorkerThreads::WorkerThreads(size_t threads) : size_(std::max<size_t>(threads, 1)) {}

WorkerThreads::~WorkerThreads() {
  stop();
}

void WorkerThreads::start() {
  std::lock_guard lock(mutex_);
  if (!threads_.empty()) return;
  accepting_ = true;
  for (size_t i = 0; i < size_; ++i) {
    threads_.emplace_back([this](std::stop_token stop) { run(stop); });
  }
}

void WorkerThreads::stop() {
  std::vector<std::jthread> threads;
  {
    std::lock_guard lock(mutex_);
    accepting_ = false;
    threads.swap(threads_);
  }
  for (auto& thread : threads) thread.request_stop();
  threads.clear();  // joins; each thread empties the queue before it leaves
}

bool WorkerThreads::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) return false;
    queue_.push_back(Item{std::move(task), std::chrono::steady_clock::now()});
  }
  ready_.notify_one();
  return true;
}

size_t WorkerThreads::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkerThreads::run(std::stop_token stop) {
  while (true) {
    Item item;
    {
      std::unique_lock lock(mutex_);
      // A stop request still lets the queue drain: each queued task holds a request that is
      // answered rather than dropped without a reply.
      ready_.wait(lock, stop, [this] { return !queue_.empty(); });
      if (queue_.empty()) return;  // stopped and nothing left
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      item.task(std::chrono::steady_clock::now() - item.queued_at);
    } catch (const std::exception& e) {
      LOG(ERROR) << "api: a worker task failed: " << e.what();
    } catch (...) {
      LOG(ERROR) << "api: a worker task failed";
    }
  }
}

}  // namespace scale::api
