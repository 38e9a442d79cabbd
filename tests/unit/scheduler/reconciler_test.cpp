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

// TASK_UNKNOWN (the master does not know the task's agent yet) does not hold back launches, but
// the task is asked about again on its own backoff until a real answer settles it.
TEST(Reconciler, AnUnknownTaskIsAskedAgainWithoutHoldingBackLaunches) {
  auto reconciler = make();
  reconciler.start({{"t1", "a"}, {"t2", "b"}}, at(0ms));
  reconciler.poll(at(0ms));
  reconciler.answered("t1", Reconciler::Answer::Unknown, "", at(100ms));
  reconciler.answered("t2", Reconciler::Answer::Settled, "", at(100ms));
  EXPECT_EQ(reconciler.pending(), 0u);
  EXPECT_EQ(reconciler.unsettled(), 1u);
  EXPECT_TRUE(reconciler.poll(at(200ms)).implicit);
  EXPECT_TRUE(reconciler.ready_to_launch());
  EXPECT_TRUE(reconciler.poll(at(1099ms)).explicit_tasks.empty());
  EXPECT_EQ(reconciler.poll(at(1100ms)).explicit_tasks, (std::vector<Task>{{"t1", "a"}}));
  EXPECT_TRUE(reconciler.poll(at(2099ms)).explicit_tasks.empty());
  EXPECT_EQ(reconciler.poll(at(2100ms)).explicit_tasks, (std::vector<Task>{{"t1", "a"}}));
  EXPECT_TRUE(reconciler.poll(at(4099ms)).explicit_tasks.empty());  // backoff doubled: 2 s
  EXPECT_EQ(reconciler.poll(at(4100ms)).explicit_tasks, (std::vector<Task>{{"t1", "a"}}));
  reconciler.answered("t1", Reconciler::Answer::Unknown, "",
                      at(4200ms));  // still unknown: still asked about
  EXPECT_EQ(reconciler.unsettled(), 1u);
  reconciler.answered("t1", Reconciler::Answer::Settled, "",
                      at(4300ms));  // e.g. TASK_RUNNING once its agent is back
  EXPECT_EQ(reconciler.unsettled(), 0u);
  EXPECT_TRUE(reconciler.poll(at(20000ms)).explicit_tasks.empty());
  EXPECT_TRUE(reconciler.take_given_up(at(3600000ms)).empty());
}

TEST(Reconciler, ATaskUnknownForTheWholeTimeoutIsGivenUp) {
  Reconciler reconciler(
      {.first_retry = 1s, .max_retry = 4s, .implicit_interval = 60s, .unknown_timeout = 30s});
  reconciler.start({{"t1", "a"}}, at(0ms));
  reconciler.poll(at(0ms));
  reconciler.answered("t1", Reconciler::Answer::Unknown, "", at(500ms));
  EXPECT_TRUE(reconciler.take_given_up(at(30499ms)).empty());
  EXPECT_LE(*reconciler.next_due(), at(30500ms));
  EXPECT_EQ(reconciler.take_given_up(at(30500ms)), (std::vector<Task>{{"t1", "a"}}));
  EXPECT_EQ(reconciler.unsettled(), 0u);
  EXPECT_TRUE(reconciler.poll(at(40000ms)).explicit_tasks.empty());
}

// A task whose agent dropped out (TASK_UNREACHABLE, unasked) is asked about again, with its
// agent, until its fate is known: the agent may come back without it, and then only an explicit
// question gets the TASK_GONE. It is never given up by the reconciler.
TEST(Reconciler, AnUnreachableTaskIsAskedAboutUntilItsFateIsKnown) {
  auto reconciler = make();
  reconciler.start({}, at(0ms));
  reconciler.poll(at(0ms));
  reconciler.answered("t1", Reconciler::Answer::Unreachable, "a9", at(1000ms));
  EXPECT_TRUE(reconciler.ready_to_launch());
  EXPECT_EQ(reconciler.poll(at(2000ms)).explicit_tasks, (std::vector<Task>{{"t1", "a9"}}));
  EXPECT_TRUE(reconciler.take_given_up(at(3600000ms)).empty());
  EXPECT_EQ(reconciler.poll(at(3600000ms)).explicit_tasks, (std::vector<Task>{{"t1", "a9"}}));
  reconciler.answered("t1", Reconciler::Answer::Settled, "a9", at(3600001ms));  // TASK_GONE
  EXPECT_EQ(reconciler.unsettled(), 0u);
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
