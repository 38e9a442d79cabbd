// The core's upkeep: stored bulk actions one batch per turn, retention at most once per period.
#include <gtest/gtest.h>

#include "scheduler/scheduling_core.h"
#include "tests/unit/scheduler/scheduling_core_fakes.h"

namespace scale::scheduler {
namespace {

using namespace testing;

db::BulkBatch requeue_batch(std::vector<long long> ids, bool done) {
  db::BulkBatch batch;
  batch.action_id = 1;
  batch.kind = db::BulkKind::Requeue;
  batch.requeued = std::move(ids);
  batch.done = done;
  return batch;
}

TEST_F(SchedulingCoreTest, BulkActionsRunOneBatchPerTurnAndRequeuedJobsLaunch) {
  promote({});
  db.bulk_batches = {requeue_batch({5}, false), requeue_batch({6}, true)};
  ASSERT_TRUE(core->next_due());  // a new term looks for unfinished actions at once
  EXPECT_LE(*core->next_due(), now);
  core->turn(now);
  EXPECT_EQ(db.bulk_limits, std::vector<int>{500});
  EXPECT_TRUE(core->queue().contains(5));
  EXPECT_FALSE(core->queue().contains(6));
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  EXPECT_EQ(db.bulk_limits.size(), 2u);
  ASSERT_EQ(mesos.accepts.size(), 1u);  // both requeued jobs launch on the offer
  EXPECT_EQ(mesos.accepts[0].tasks.size(), 2u);
  core->turn(now);  // finds nothing more: sleeps
  EXPECT_EQ(db.bulk_limits.size(), 3u);
  // Only the reconciler's periodic round is due now, later.
  EXPECT_TRUE(!core->next_due() || *core->next_due() > now);
  core->turn(now);
  EXPECT_EQ(db.bulk_limits.size(), 3u);
  core->on_job_actions_changed();  // a new request
  ASSERT_TRUE(core->next_due());
  EXPECT_LE(*core->next_due(), now);
  core->turn(now);
  EXPECT_EQ(db.bulk_limits.size(), 4u);
}

TEST_F(SchedulingCoreTest, AFencedOutBulkBatchEndsTheTerm) {
  promote({});
  db.fenced_out = true;
  EXPECT_EQ(core->turn(now), SchedulingCore::TurnOutcome::FencedOut);
}

TEST(SchedulingCoreRetention, AtMostOneBatchPerPeriodAndNoneInTheFirst) {
  Log log;
  FakeMesos mesos{log};
  FakePersistence db{log};
  SchedulingCore::Options options;
  options.retention = {30, std::chrono::milliseconds(5000), 1000};
  SchedulingCore core(options, mesos, db);
  core.load({}, "fw-1", {});
  db.deleted_per_call = 1000;
  const SchedulingCore::Clock::time_point start{};
  core.turn(start);
  core.turn(start + std::chrono::seconds(4));
  EXPECT_TRUE(db.retention_calls.empty());
  core.turn(start + std::chrono::seconds(5));
  core.turn(start + std::chrono::seconds(6));
  ASSERT_EQ(db.retention_calls.size(), 1u);
  EXPECT_EQ(db.retention_calls[0], (std::pair<int, int>{30, 1000}));
  core.turn(start + std::chrono::seconds(10));
  EXPECT_EQ(db.retention_calls.size(), 2u);
  EXPECT_EQ(core.counters().jobs_deleted, 2000u);
}

TEST(SchedulingCoreRetention, ZeroDaysKeepsFinishedJobsForever) {
  Log log;
  FakeMesos mesos{log};
  FakePersistence db{log};
  SchedulingCore core({}, mesos, db);
  core.load({}, "fw-1", {});
  for (int s = 0; s < 60; s += 5)
    core.turn(SchedulingCore::Clock::time_point{} + std::chrono::seconds(s));
  EXPECT_TRUE(db.retention_calls.empty());
}

}  // namespace
}  // namespace scale::scheduler
