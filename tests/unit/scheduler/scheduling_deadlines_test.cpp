// The scheduling core's deadlines: job time limits, KILLs sent again, agents unreachable too long.
#include <gtest/gtest.h>

#include <algorithm>

#include "scheduler/scheduling_core.h"
#include "tests/unit/scheduler/scheduling_core_fakes.h"

namespace scale::scheduler {
namespace {

using namespace testing;

class SchedulingDeadlinesTest : public SchedulingCoreTest {
 protected:
  SchedulingDeadlinesTest() {
    SchedulingCore::Options o = options();
    o.kills.resend_after = 10s;
    o.kills.max_sends = 3;
    o.unreachable_timeout_s = 60;
    core = std::make_unique<SchedulingCore>(o, mesos, db);
  }

  long kills_of(const std::string& task_id) const {
    return std::count(log.begin(), log.end(), "kill " + task_id);
  }

  // Promotion with one live execution whose reconciliation answer is committed: launches (and
  // the unreachable sweep) may go ahead.
  void promote_reconciled(const std::string& task_id) {
    promote({}, {task_id});
    core->on_mesos(update(task_id, "TASK_RUNNING", std::nullopt), now);
    core->turn(now);
    core->turn(now);
  }
};

// The mark is committed before the KILL leaves, so the KILLED that follows is a timeout in any
// term; the KILL carries the job's grace.
TEST_F(SchedulingDeadlinesTest, OverdueExecutionIsMarkedThenKilledWithItsGrace) {
  promote({}, {"scale_job_3_1"});
  db.overdue = {{3, "scale_job_3_1", "a1", 2.5}};
  core->turn(now);
  ASSERT_FALSE(db.committed.empty());
  EXPECT_TRUE(db.committed.back().mark_timeouts);
  ASSERT_EQ(kills_of("scale_job_3_1"), 1);
  EXPECT_LT(index_of("commit"), index_of("kill scale_job_3_1"));
  EXPECT_EQ(mesos.kill_graces.back(), std::optional<double>(2.5));
  EXPECT_EQ(core->counters().job_timeouts, 1u);
}

// One fenced sweep per interval, and the loop is told when the next one is due.
TEST_F(SchedulingDeadlinesTest, TheSweepRunsOncePerIntervalAndIsDueForTheLoop) {
  promote({});
  core->turn(now);
  const size_t commits = db.committed.size();
  core->turn(now + 500ms);
  EXPECT_EQ(db.committed.size(), commits);  // nothing to write, no sweep due
  ASSERT_TRUE(core->next_due());
  EXPECT_LE(*core->next_due(), now + 1s);
  core->turn(now + 1s);
  ASSERT_EQ(db.committed.size(), commits + 1);
  EXPECT_TRUE(db.committed.back().mark_timeouts);
}

// A KILL without a terminal update is sent again after resend_after plus its grace, a bounded
// number of times; a terminal update ends it.
TEST_F(SchedulingDeadlinesTest, KillWithoutTerminalUpdateIsSentAgainUntilGivenUp) {
  promote({}, {"scale_job_3_1"});
  db.overdue = {{3, "scale_job_3_1", "a1", 2.0}};
  core->turn(now);
  ASSERT_EQ(kills_of("scale_job_3_1"), 1);
  core->turn(now + 11s);  // before resend_after + grace
  EXPECT_EQ(kills_of("scale_job_3_1"), 1);
  core->turn(now + 12s);
  EXPECT_EQ(kills_of("scale_job_3_1"), 2);
  EXPECT_EQ(mesos.kill_graces.back(), std::optional<double>(2.0));
  EXPECT_EQ(core->counters().kill_resends, 1u);
  core->turn(now + 24s);
  EXPECT_EQ(kills_of("scale_job_3_1"), 3);
  core->turn(now + 60s);  // max_sends reached: left to reconciliation
  EXPECT_EQ(kills_of("scale_job_3_1"), 3);
}

TEST_F(SchedulingDeadlinesTest, TerminalUpdateStopsTheResends) {
  promote({}, {"scale_job_3_1"});
  db.overdue = {{3, "scale_job_3_1", "a1", std::nullopt}};
  core->turn(now);
  ASSERT_EQ(kills_of("scale_job_3_1"), 1);
  EXPECT_EQ(mesos.kill_graces.back(), std::nullopt);
  core->on_mesos(update("scale_job_3_1", "TASK_KILLED", "u1"), now + 1s);
  core->turn(now + 1s);
  core->turn(now + 30s);
  EXPECT_EQ(kills_of("scale_job_3_1"), 1);
}

// Past --unreachable_timeout_s the execution is finished as lost through the update path (so its
// job is retried), and KILLed after that commit in case the agent still runs it.
TEST_F(SchedulingDeadlinesTest, UnreachableTooLongIsFinishedAsLostRetriedAndKilled) {
  promote_reconciled("scale_job_7_1");
  db::UpdateOutcome requeued;
  requeued.task_id = "scale_job_7_1";
  requeued.applied = true;
  requeued.job_id = 7;
  requeued.transition = db::JobTransition::Requeued;
  requeued.requeued = FakePersistence::entry(7);
  db.outcomes[requeued.task_id] = requeued;
  db.expired = {{7, "scale_job_7_1", "a1", 1.0}};
  core->turn(now + 2s);
  ASSERT_FALSE(db.unreachable_asked.empty());
  EXPECT_EQ(db.unreachable_asked.back(), 60);
  const auto& updates = db.committed.back().updates;
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].task_id, "scale_job_7_1");
  EXPECT_EQ(updates[0].state, "TASK_LOST");
  EXPECT_EQ(updates[0].reason, std::optional<std::string>("unreachable_timeout"));
  EXPECT_EQ(updates[0].uuid, std::nullopt);  // never acknowledged
  EXPECT_TRUE(core->queue().contains(7));
  EXPECT_EQ(kills_of("scale_job_7_1"), 1);
  EXPECT_GT(index_of("kill scale_job_7_1"), index_of("commit"));
  EXPECT_EQ(mesos.kill_graces.back(), std::optional<double>(1.0));
  EXPECT_EQ(core->counters().unreachable_expired, 1u);
}

// The database may still say UNREACHABLE for a task whose agent came back while no leader was
// listening: nothing expires before reconciliation has answered.
TEST_F(SchedulingDeadlinesTest, NothingExpiresBeforeReconciliationAnswers) {
  promote({}, {"scale_job_7_1"});
  db.expired = {{7, "scale_job_7_1", "a1", std::nullopt}};
  core->turn(now);
  EXPECT_TRUE(db.unreachable_asked.empty());
  EXPECT_EQ(kills_of("scale_job_7_1"), 0);
}

// The copy that comes back after its execution ended (REASON_AGENT_REREGISTERED) is killed with
// its job's grace; the job is not moved again.
TEST_F(SchedulingDeadlinesTest, TaskAliveAfterItsExecutionEndedIsKilledWithItsGrace) {
  promote({});
  db::UpdateOutcome back;
  back.task_id = "scale_job_7_1";
  back.job_id = 7;
  back.kill = true;
  back.kill_grace_s = 4;
  db.outcomes[back.task_id] = back;
  auto event = update("scale_job_7_1", "TASK_RUNNING", "u2");
  event.status.reason = "REASON_AGENT_REREGISTERED";
  core->on_mesos(event, now);
  core->turn(now);
  EXPECT_EQ(kills_of("scale_job_7_1"), 1);
  EXPECT_EQ(mesos.kill_graces.back(), std::optional<double>(4));
  EXPECT_FALSE(core->queue().contains(7));
  EXPECT_EQ(core->counters().jobs_finished, 0u);
}

}  // namespace
}  // namespace scale::scheduler
