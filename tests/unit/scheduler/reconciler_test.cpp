#include "scheduler/reconciler.h"

#include <gtest/gtest.h>

namespace scale::scheduler {
namespace {

using namespace std::chrono_literals;
using Task = Reconciler::Task;

Reconciler::Clock::time_point at(std::chrono::milliseconds ms) {
  return Reconciler::Clock::time_point(ms);
}

Reconciler make() {
  return Reconciler({.first_retry = 1s, .max_retry = 4s, .implicit_interval = 60s});
}

TEST(Reconciler, IdleUntilStarted) {
  auto reconciler = make();
  auto due = reconciler.poll(at(0ms));
  EXPECT_TRUE(due.explicit_tasks.empty());
  EXPECT_FALSE(due.implicit);
  EXPECT_FALSE(reconciler.ready_to_launch());
  EXPECT_EQ(reconciler.next_due(), std::nullopt);
}

TEST(Reconciler, NoKnownTasksGoesStraightToImplicitThenLaunches) {
  auto reconciler = make();
  reconciler.start({}, at(0ms));
  EXPECT_FALSE(reconciler.ready_to_launch());
  auto due = reconciler.poll(at(0ms));
  EXPECT_TRUE(due.explicit_tasks.empty());
  EXPECT_TRUE(due.implicit);
  EXPECT_TRUE(reconciler.ready_to_launch());
}

TEST(Reconciler, AsksExplicitlyAboutEveryTaskFirst) {
  auto reconciler = make();
  reconciler.start({{"t2", "a1"}, {"t1", "a2"}}, at(0ms));
  auto due = reconciler.poll(at(0ms));
  EXPECT_EQ(due.explicit_tasks, (std::vector<Task>{{"t1", "a2"}, {"t2", "a1"}}));
  EXPECT_FALSE(due.implicit);
  EXPECT_FALSE(reconciler.ready_to_launch());
}

TEST(Reconciler, ReasksOnlyUnansweredTasksWithGrowingBackoff) {
  auto reconciler = make();
  reconciler.start({{"t1", "a"}, {"t2", "a"}}, at(0ms));
  reconciler.poll(at(0ms));
  reconciler.answered("t1");
  EXPECT_TRUE(reconciler.poll(at(999ms)).explicit_tasks.empty());
  EXPECT_EQ(reconciler.poll(at(1000ms)).explicit_tasks, (std::vector<Task>{{"t2", "a"}}));
  // Backoff doubles: 1 s, 2 s, 4 s, then stays at the 4 s cap.
  EXPECT_TRUE(reconciler.poll(at(2999ms)).explicit_tasks.empty());
  EXPECT_FALSE(reconciler.poll(at(3000ms)).explicit_tasks.empty());
  EXPECT_TRUE(reconciler.poll(at(6999ms)).explicit_tasks.empty());
  EXPECT_FALSE(reconciler.poll(at(7000ms)).explicit_tasks.empty());
  EXPECT_FALSE(reconciler.poll(at(11000ms)).explicit_tasks.empty());
  EXPECT_EQ(reconciler.next_due(), at(15000ms));
}

TEST(Reconciler, ImplicitAfterEveryAnswerThenPeriodically) {
  auto reconciler = make();
  reconciler.start({{"t1", "a"}}, at(0ms));
  reconciler.poll(at(0ms));
  reconciler.answered("t1");
  auto due = reconciler.poll(at(10ms));
  EXPECT_TRUE(due.implicit);
  EXPECT_TRUE(reconciler.ready_to_launch());
  EXPECT_FALSE(reconciler.poll(at(20ms)).implicit);
  EXPECT_TRUE(reconciler.poll(at(60010ms)).implicit);
}

TEST(Reconciler, ANewSubscriptionStartsOver) {
  auto reconciler = make();
  reconciler.start({}, at(0ms));
  reconciler.poll(at(0ms));
  ASSERT_TRUE(reconciler.ready_to_launch());
  reconciler.start({{"t9", "a"}}, at(5000ms));
  EXPECT_FALSE(reconciler.ready_to_launch());
  EXPECT_EQ(reconciler.poll(at(5000ms)).explicit_tasks, (std::vector<Task>{{"t9", "a"}}));
}

TEST(Reconciler, AnswersForUnknownTasksAreHarmless) {
  auto reconciler = make();
  reconciler.start({{"t1", "a"}}, at(0ms));
  reconciler.answered("never-asked");
  EXPECT_EQ(reconciler.pending(), 1u);
  reconciler.forget("t1");
  EXPECT_EQ(reconciler.pending(), 0u);
}

}  // namespace
}  // namespace scale::scheduler
