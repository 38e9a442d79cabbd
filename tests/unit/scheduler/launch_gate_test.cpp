// Backpressure on launching: the gate's hysteresis on its own, then the scheduling core holding
// launches (and keeping its offers) while launched tasks are unheard from or updates wait for
// their acknowledgement, and a stored update that Mesos redelivers being only acknowledged.
#include "scheduler/launch_gate.h"

#include <gtest/gtest.h>

#include "scheduler/scheduling_core.h"
#include "tests/unit/scheduler/scheduling_core_fakes.h"

namespace scale::scheduler {
namespace {

using namespace testing;

TEST(LaunchGate, HoldsAboveABoundAndResumesOnlyAtHalfOfBoth) {
  LaunchGate gate({100, 50, 0.5});
  const Clock::time_point t0{};
  EXPECT_FALSE(gate.observe({100, 49}, t0));  // updates at their bound: not over it
  EXPECT_EQ(gate.launch_room(), 1u);
  EXPECT_TRUE(gate.observe({0, 50}, t0));  // no room left for a launch
  EXPECT_EQ(gate.launch_room(), 0u);
  EXPECT_FALSE(gate.observe({0, 25}, t0));
  EXPECT_TRUE(gate.observe({101, 0}, t0 + 1s));
  EXPECT_EQ(gate.held_since(), t0 + 1s);
  EXPECT_TRUE(gate.observe({60, 0}, t0 + 2s));   // under the bound, above the low-water mark
  EXPECT_TRUE(gate.observe({50, 26}, t0 + 3s));  // updates low enough, launches not
  EXPECT_NE(
      gate.reason().find("50 status update(s) not yet acknowledged (bound 100, resumes at 50)"),
      std::string::npos)
      << gate.reason();
  EXPECT_FALSE(gate.observe({50, 25}, t0 + 4s));
  EXPECT_EQ(gate.reason(), "");
  EXPECT_TRUE(gate.observe({0, 51}, t0 + 5s));
  EXPECT_EQ(gate.holds(), 3u);
}

TEST(LaunchGate, ABoundOfZeroNeverHolds) {
  LaunchGate gate({0, 0, 0.5});
  EXPECT_FALSE(gate.observe({1000000, 1000000}, Clock::time_point{}));
  EXPECT_EQ(gate.holds(), 0u);
}

class LaunchBackpressureTest : public SchedulingCoreTest {
 protected:
  void bound(size_t unacknowledged, size_t in_flight) {
    auto o = options();
    o.launch_gate.max_unacknowledged_updates = unacknowledged;
    o.launch_gate.max_launches_in_flight = in_flight;
    core = std::make_unique<SchedulingCore>(o, mesos, db);
  }
};

TEST_F(LaunchBackpressureTest, LaunchesWaitForTheFirstUpdatesOfTasksInFlight) {
  bound(0, 3);
  promote({1, 2, 3, 4, 5});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  ASSERT_EQ(mesos.accepts.size(), 1u);
  ASSERT_EQ(mesos.accepts[0].tasks.size(), 3u) << "4 fit the offer, the bound lets 3 go";
  EXPECT_EQ(core->queued_jobs(), 2u);
  EXPECT_EQ(core->launch_load().launches_in_flight, 3u);

  core->on_mesos(offers({offer("o2", "a1")}), now);
  core->turn(now);
  EXPECT_TRUE(core->launch_gate().held()) << "3 launches in flight, bound 3";
  EXPECT_EQ(mesos.accepts.size(), 1u);
  EXPECT_TRUE(mesos.declines.empty()) << "the offer is kept for when launching resumes";
  EXPECT_EQ(core->counters().launch_holds, 1u);

  core->on_mesos(update("scale_job_1_1", "TASK_RUNNING", "u1"), now);
  core->turn(now);  // committed: 2 in flight, above the low-water mark (1.5)
  EXPECT_TRUE(core->launch_gate().held());
  core->on_mesos(update("scale_job_2_1", "TASK_RUNNING", "u2"), now);
  core->turn(now);
  core->turn(now);
  EXPECT_FALSE(core->launch_gate().held());
  ASSERT_EQ(mesos.accepts.size(), 2u);
  EXPECT_EQ(mesos.accepts[1].offer_ids, std::vector<std::string>{"o2"});
  EXPECT_EQ(mesos.accepts[1].tasks.size(), 2u);  // jobs 4 and 5: room for 2
}

TEST_F(LaunchBackpressureTest, LaunchesWaitWhileAcknowledgementsQueueAtTheMaster) {
  bound(4, 0);
  promote({1});
  mesos.load.queued[static_cast<size_t>(mesos::CallLane::Acknowledge)] = 5;
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  EXPECT_TRUE(mesos.accepts.empty());
  EXPECT_TRUE(core->launch_gate().held());
  EXPECT_TRUE(core->next_due().has_value()) << "looks again without an event";

  mesos.load.queued[static_cast<size_t>(mesos::CallLane::Acknowledge)] = 2;
  core->turn(now);
  EXPECT_EQ(mesos.accepts.size(), 1u);
}

TEST_F(LaunchBackpressureTest, ARedeliveredTerminalUpdateIsOnlyAcknowledgedAgain) {
  promote({1});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  core->on_mesos(update("scale_job_1_1", "TASK_FINISHED", "uuid-1"), now);
  core->turn(now);
  const size_t commits = db.committed.size();
  log.clear();
  core->on_mesos(update("scale_job_1_1", "TASK_FINISHED", "uuid-1"), now);  // the ACK was lost
  core->turn(now);
  EXPECT_EQ(db.committed.size(), commits) << "nothing written again";
  EXPECT_TRUE(contains("ack scale_job_1_1"));
  EXPECT_EQ(core->counters().redeliveries, 1u);
  EXPECT_EQ(core->counters().tasks_finished, 1u);
}

TEST_F(LaunchBackpressureTest, ABurstOfUpdatesIsStoredInCommitsOfBoundedSize) {
  promote({});
  core->turn(now);
  const size_t burst = UpdateBatch::kPerCommit + 5;
  for (size_t i = 0; i < burst; ++i)
    core->on_mesos(update("t" + std::to_string(i), "TASK_FINISHED", "u" + std::to_string(i)), now);
  core->turn(now);
  ASSERT_FALSE(db.committed.empty());
  EXPECT_EQ(db.committed.back().updates.size(), UpdateBatch::kPerCommit);
  EXPECT_EQ(core->unacknowledged_updates(), 5u);
  const auto due = core->next_due();
  const auto after = Clock::now();
  ASSERT_TRUE(due.has_value());
  EXPECT_LE(*due, after) << "the rest is due at once";
  core->turn(now);
  EXPECT_EQ(db.committed.back().updates.size(), 5u);
  EXPECT_EQ(core->unacknowledged_updates(), 0u);
  EXPECT_EQ(std::count_if(log.begin(), log.end(),
                          [](const std::string& entry) { return entry.rfind("ack ", 0) == 0; }),
            static_cast<long>(burst));
}

}  // namespace
}  // namespace scale::scheduler
