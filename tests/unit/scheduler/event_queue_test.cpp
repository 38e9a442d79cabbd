#include "scheduler/event_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace scale::scheduler {
namespace {

using Clock = std::chrono::steady_clock;

TEST(EventQueue, DeliversInOrder) {
  EventQueue<int> queue;
  queue.push(1);
  queue.push(2);
  EXPECT_EQ(queue.pop_until(Clock::now()), 1);
  EXPECT_EQ(queue.pop_until(Clock::now()), 2);
  EXPECT_EQ(queue.pop_until(Clock::now()), std::nullopt);
}

TEST(EventQueue, WakesOnPushFromAnotherThread) {
  EventQueue<int> queue;
  std::jthread pusher([&] { queue.push(7); });
  EXPECT_EQ(queue.pop_until(Clock::now() + std::chrono::seconds(10)), 7);
}

}  // namespace
}  // namespace scale::scheduler
