#include "api/worker_threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "api/server.h"

namespace scale::api {
namespace {

using namespace std::chrono_literals;

// Waits (with a deadline) until `count` reaches `want`.
bool wait_for_count(std::mutex& mutex, std::condition_variable& changed, const int& count,
                    int want) {
  std::unique_lock lock(mutex);
  return changed.wait_for(lock, 5s, [&] { return count >= want; });
}

TEST(WorkerThreads, RunsTasksOnThreadsOfItsOwn) {
  WorkerThreads workers(2);
  workers.start();
  std::mutex mutex;
  std::condition_variable changed;
  int done = 0;
  std::set<std::thread::id> ids;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(workers.post([&](auto) {
      std::lock_guard lock(mutex);
      ids.insert(std::this_thread::get_id());
      ++done;
      changed.notify_all();
    }));
  }
  ASSERT_TRUE(wait_for_count(mutex, changed, done, 20));
  std::lock_guard lock(mutex);
  EXPECT_EQ(ids.count(std::this_thread::get_id()), 0u);
  EXPECT_LE(ids.size(), 2u);
}

TEST(WorkerThreads, TellsEachTaskHowLongItQueued) {
  WorkerThreads workers(1);
  workers.start();
  std::mutex mutex;
  std::condition_variable changed;
  bool release = false;
  int started = 0;
  int done = 0;
  std::chrono::steady_clock::duration second_waited{};
  // The first task holds the only thread, so the second queues at least until it is released.
  workers.post([&](auto) {
    std::unique_lock lock(mutex);
    ++started;
    changed.notify_all();
    changed.wait_for(lock, 5s, [&] { return release; });
    ++done;
    changed.notify_all();
  });
  ASSERT_TRUE(wait_for_count(mutex, changed, started, 1));
  const auto posted = std::chrono::steady_clock::now();
  workers.post([&](std::chrono::steady_clock::duration waited) {
    std::lock_guard lock(mutex);
    second_waited = waited;
    ++done;
    changed.notify_all();
  });
  EXPECT_EQ(workers.queued(), 1u);
  // Hold the thread for a measurable time: until 50 ms have passed since the second post.
  while (std::chrono::steady_clock::now() - posted < 50ms) std::this_thread::yield();
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
  ASSERT_TRUE(wait_for_count(mutex, changed, done, 2));
  EXPECT_GE(second_waited, 50ms);
}

TEST(WorkerThreads, StopRunsWhatIsQueuedThenRefusesWork) {
  WorkerThreads workers(1);
  workers.start();
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) workers.post([&](auto) { ++ran; });
  workers.stop();
  EXPECT_EQ(ran.load(), 50);  // every queued request still gets its answer
  EXPECT_FALSE(workers.post([&](auto) { ++ran; }));
  workers.stop();  // idempotent
  EXPECT_EQ(ran.load(), 50);
}

TEST(WorkerThreads, RestartsAfterStopAndSurvivesAThrowingTask) {
  WorkerThreads workers(1);
  EXPECT_FALSE(workers.post([](auto) {}));  // not started
  workers.start();
  workers.stop();
  workers.start();
  std::atomic<int> ran{0};
  workers.post([](auto) { throw std::runtime_error("handler bug"); });
  workers.post([&](auto) { ++ran; });
  workers.stop();
  EXPECT_EQ(ran.load(), 1);
}

TEST(HttpThreadCount, OnePerCoreAtLeastTwoUnlessConfigured) {
  EXPECT_EQ(http_thread_count(0, 8), 8u);
  EXPECT_EQ(http_thread_count(0, 1), 2u);
  EXPECT_EQ(http_thread_count(0, 0), 2u);  // unknown core count
  EXPECT_EQ(http_thread_count(5, 2), 5u);
}

}  // namespace
}  // namespace scale::api
