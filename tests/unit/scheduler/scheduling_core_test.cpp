#include "scheduler/scheduling_core.h"

#include <gtest/gtest.h>

#include "tests/unit/scheduler/scheduling_core_fakes.h"

namespace scale::scheduler {
namespace {

using namespace testing;

TEST_F(SchedulingCoreTest, LaunchIsWrittenAheadThenAcceptedOncePerAgent) {
  promote({1, 2});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  ASSERT_EQ(core->turn(now), SchedulingCore::TurnOutcome::Continue);
  ASSERT_EQ(mesos.accepts.size(), 1u);
  EXPECT_LT(index_of("commit"), index_of("accept"));
  EXPECT_EQ(mesos.accepts[0].offer_ids, std::vector<std::string>{"o1"});
  ASSERT_EQ(mesos.accepts[0].tasks.size(), 2u);
  const auto& task = mesos.accepts[0].tasks[0];
  EXPECT_EQ(task.task_id, "scale_job_1_1");
  EXPECT_EQ(task.command, "echo hi");
  EXPECT_EQ(task.agent_id, "a1");
  ASSERT_FALSE(task.resources.empty());
  EXPECT_EQ(task.resources[0].allocation_role, "*");
  EXPECT_TRUE(core->queue().empty());
  EXPECT_EQ(core->counters().tasks_launched, 2u);
  EXPECT_TRUE(contains("suppress"));  // nothing left to run
}

// Offers that come while the new subscription reconciles are held, not declined: a real master
// would offer them again only after the filter and its next allocation round (1 s each).
TEST_F(SchedulingCoreTest, NoLaunchBeforeReconciliationAnswersAndTheOffersWaitForIt) {
  promote({1}, {"scale_job_9_1"});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  EXPECT_TRUE(contains("reconcile explicit"));
  EXPECT_TRUE(mesos.accepts.empty());
  EXPECT_TRUE(mesos.declines.empty());
  EXPECT_FALSE(core->ready_to_launch());

  core->on_mesos(update("scale_job_9_1", "TASK_RUNNING", std::nullopt), now);
  core->turn(now);  // the answer is committed: explicit round complete
  EXPECT_TRUE(mesos.accepts.empty());
  core->turn(now);  // implicit round sent, then launches on the held offer
  EXPECT_TRUE(contains("reconcile implicit"));
  EXPECT_LT(index_of("reconcile implicit"), index_of("accept"));
  ASSERT_EQ(mesos.accepts.size(), 1u);
  EXPECT_EQ(mesos.accepts[0].offer_ids, std::vector<std::string>{"o1"});
  EXPECT_TRUE(mesos.declines.empty());
}

// ...but not for ever: a reconciliation that takes long gives them back.
TEST_F(SchedulingCoreTest, OffersHeldThroughALongReconciliationGoBackAfterAWhile) {
  promote({1}, {"scale_job_9_1"});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  EXPECT_TRUE(mesos.declines.empty());
  core->turn(now + std::chrono::seconds(6));  // still no answer
  ASSERT_EQ(mesos.declines.size(), 1u);
  EXPECT_EQ(mesos.declines[0].offer_ids, std::vector<std::string>{"o1"});
}

TEST_F(SchedulingCoreTest, AcknowledgesOnlyCommittedUpdates) {
  promote({});
  core->turn(now);
  db.fail_next = true;
  core->on_mesos(update("scale_job_1_1", "TASK_FINISHED", "uuid-1"), now);
  core->turn(now);
  EXPECT_FALSE(contains("ack scale_job_1_1"));
  // Mesos redelivers the unacknowledged update.
  core->on_mesos(update("scale_job_1_1", "TASK_FINISHED", "uuid-1"), now);
  core->turn(now);
  EXPECT_LT(index_of("commit"), index_of("ack scale_job_1_1"));
  EXPECT_EQ(core->counters().tasks_finished, 1u);
}

// The durations behind the /metrics histograms: every commit, each launched job from its queued
// time, each committed update to its ACKNOWLEDGE; taken once, then empty.
TEST_F(SchedulingCoreTest, MeasuresCommitsLaunchesAndAcknowledgements) {
  promote({1});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  core->on_mesos(update("scale_job_1_1", "TASK_RUNNING", "uuid-1"), now);
  EXPECT_EQ(core->unacknowledged_updates(), 1u);
  core->turn(now);
  EXPECT_EQ(core->unacknowledged_updates(), 0u);
  const LatencySamples samples = core->take_latencies();
  EXPECT_GE(samples.commit_s.size(), 2u);
  ASSERT_EQ(samples.queue_to_launch_s.size(), 1u);
  EXPECT_GT(samples.queue_to_launch_s[0], 0);  // queued at 1 us after the epoch, in this fake
  ASSERT_EQ(samples.update_to_ack_s.size(), 1u);
  EXPECT_GE(samples.update_to_ack_s[0], 0);
  EXPECT_TRUE(core->take_latencies().commit_s.empty());
}

TEST_F(SchedulingCoreTest, UnusedOffersOfManyAgentsGoBackInOneDecline) {
  promote({});
  core->on_mesos(offers({offer("o1", "a1"), offer("o2", "a2"), offer("o3", "a3")}), now);
  core->turn(now);
  EXPECT_TRUE(mesos.declines.empty());  // nothing queued: held a moment for new jobs
  core->turn(now + std::chrono::seconds(2));
  ASSERT_EQ(mesos.declines.size(), 1u);
  EXPECT_EQ(mesos.declines[0].offer_ids, (std::vector<std::string>{"o1", "o2", "o3"}));
}

TEST_F(SchedulingCoreTest, JobQueuedWhileAnOfferIsHeldLaunchesAtTheNextTurn) {
  promote({});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  EXPECT_TRUE(mesos.accepts.empty());
  core->on_jobs_changed({5});
  core->turn(now + std::chrono::milliseconds(200));
  ASSERT_EQ(mesos.accepts.size(), 1u);
  EXPECT_EQ(mesos.accepts[0].offer_ids, std::vector<std::string>{"o1"});
  EXPECT_TRUE(mesos.declines.empty());
}

TEST_F(SchedulingCoreTest, RedeliveredStoredUpdateIsAcknowledgedAgainWithoutAWrite) {
  promote({1});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  core->on_mesos(update("scale_job_1_1", "TASK_RUNNING", "uuid-1"), now);
  core->turn(now);
  const size_t commits = db.committed.size();
  core->on_mesos(update("scale_job_1_1", "TASK_RUNNING", "uuid-1"), now);  // redelivered
  core->turn(now);
  EXPECT_EQ(db.committed.size(), commits);
  EXPECT_EQ(std::count(log.begin(), log.end(), "ack scale_job_1_1"), 2);
  // A new update of the task is stored as usual.
  core->on_mesos(update("scale_job_1_1", "TASK_FINISHED", "uuid-2"), now);
  core->turn(now);
  ASSERT_EQ(db.committed.size(), commits + 1);
  EXPECT_EQ(db.committed.back().updates.size(), 1u);
}

TEST_F(SchedulingCoreTest, PausedSchedulerDeclinesWithLongFilterAndSuppresses) {
  promote({1});
  db.settings_row.is_paused = true;
  core->on_settings_changed();
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  EXPECT_TRUE(mesos.accepts.empty());
  ASSERT_EQ(mesos.declines.size(), 1u);
  EXPECT_EQ(mesos.declines[0].refuse, 30);
  EXPECT_TRUE(contains("suppress"));

  db.settings_row.is_paused = false;
  core->on_settings_changed();
  core->turn(now);
  EXPECT_TRUE(contains("revive"));
}

TEST_F(SchedulingCoreTest, FailedTaskRequeuesTheJobAndRevives) {
  promote({});
  core->turn(now);  // queue empty: suppressed
  db::UpdateOutcome outcome;
  outcome.task_id = "scale_job_5_1";
  outcome.applied = true;
  outcome.job_id = 5;
  outcome.transition = db::JobTransition::Requeued;
  outcome.requeued = FakePersistence::entry(5);
  db.outcomes[outcome.task_id] = outcome;
  core->on_mesos(update("scale_job_5_1", "TASK_FAILED", "u"), now);
  core->turn(now);
  EXPECT_TRUE(core->queue().contains(5));
  EXPECT_LT(index_of("suppress"), index_of("revive"));
}

TEST_F(SchedulingCoreTest, TaskUnknownToTheDatabaseIsKilled) {
  promote({});
  db::UpdateOutcome outcome;
  outcome.task_id = "stray";
  outcome.unknown_task = true;
  outcome.kill = true;
  db.outcomes["stray"] = outcome;
  core->on_mesos(update("stray", "TASK_RUNNING", std::nullopt), now);
  core->turn(now);
  EXPECT_TRUE(contains("kill stray"));
}

TEST_F(SchedulingCoreTest, JobCanceledBeforeCommitIsNotLaunched) {
  promote({7});
  db.canceled = {7};
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  EXPECT_TRUE(mesos.accepts.empty());
  EXPECT_FALSE(core->queue().contains(7));
  core->turn(now + std::chrono::seconds(2));  // the idle offer is declined after its hold
  EXPECT_EQ(mesos.declines.size(), 1u);
}

TEST_F(SchedulingCoreTest, NewJobFromNotifyIsQueuedAndRevives) {
  promote({});
  core->turn(now);
  core->on_jobs_changed({11});
  core->turn(now);
  EXPECT_TRUE(core->queue().contains(11));
  EXPECT_TRUE(contains("revive"));
}

TEST_F(SchedulingCoreTest, FencedOutStopsTheTurn) {
  promote({1});
  db.fenced_out = true;
  core->on_mesos(offers({offer("o1", "a1")}), now);
  EXPECT_EQ(core->turn(now), SchedulingCore::TurnOutcome::FencedOut);
  EXPECT_TRUE(mesos.accepts.empty());
}

TEST_F(SchedulingCoreTest, NewFrameworkIdIsPersisted) {
  core->load({}, std::nullopt, {});
  core->on_mesos(subscribed(), now);
  core->turn(now);
  ASSERT_FALSE(db.committed.empty());
  EXPECT_EQ(db.committed[0].framework_id, std::optional<std::string>("fw-1"));
}

TEST_F(SchedulingCoreTest, LifoModeLaunchesTheNewestJobFirst) {
  promote({1, 2, 3});
  db.settings_row.queue_mode = "LIFO";
  core->on_settings_changed();
  mesos::Offer small = offer("o1", "a1");
  small.resources[0].scalar = 1;  // room for one job
  core->on_mesos(offers({small}), now);
  core->turn(now);
  ASSERT_EQ(mesos.accepts.size(), 1u);
  ASSERT_EQ(mesos.accepts[0].tasks.size(), 1u);
  EXPECT_EQ(mesos.accepts[0].tasks[0].task_id, "scale_job_3_1");
}

TEST_F(SchedulingCoreTest, UpdatesAreBatchedIntoOneCommitPerTurn) {
  promote({});
  core->turn(now);
  const size_t commits = db.committed.size();
  for (int i = 0; i < 50; ++i)
    core->on_mesos(update("scale_job_" + std::to_string(i) + "_1", "TASK_RUNNING", "u"), now);
  core->turn(now);
  ASSERT_EQ(db.committed.size(), commits + 1);
  EXPECT_EQ(db.committed.back().updates.size(), 50u);
}

TEST_F(SchedulingCoreTest, ResyncRebuildsTheQueueFromTheDatabase) {
  promote({1, 2});
  db.queued = {FakePersistence::entry(2), FakePersistence::entry(3)};
  core->on_resync();
  core->turn(now);
  EXPECT_FALSE(core->queue().contains(1));  // launched or canceled while notifications were lost
  EXPECT_TRUE(core->queue().contains(2));
  EXPECT_TRUE(core->queue().contains(3));
}

}  // namespace
}  // namespace scale::scheduler
