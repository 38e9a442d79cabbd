#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

namespace scale::api {

// Threads of the server's own for the handlers that wait on PostgreSQL (libpq blocks). cpprestsdk
// runs every connection, every reply and every pplx continuation of the process on one shared
// pool that is fastest with one thread per core: a handler sitting in libpq there would stall all
// of them, including /v6/status/ answered from memory and, on the leader, the Mesos stream.
// Tasks run in arrival order; each is told how long it waited, so it can refuse work that queued
// too long instead of piling up behind a slow database.
class WorkerThreads {
 public:
  using Task = std::function<void(std::chrono::steady_clock::duration waited)>;

  explicit WorkerThreads(size_t threads);
  ~WorkerThreads();  // stop()
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  void start();  // idempotent
  // Runs what is queued, then joins the threads. Idempotent; post() refuses work afterwards.
  void stop();
  // False (and `task` not run) when the threads are not running.
  bool post(Task task);
  size_t queued() const;

 private:
  struct Item {
    Task task;
    std::chrono::steady_clock::time_point queued_at;
  };
  void run(std::stop_token stop);

  const size_t size_;
  mutable std::mutex mutex_;
  std::condition_variable_any ready_;
  std::deque<Item> queue_;
  bool accepting_ = false;
  std::vector<std::jthread> threads_;
};

}  // namespace scale::api
