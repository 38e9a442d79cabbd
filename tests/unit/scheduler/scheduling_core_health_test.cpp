// The scheduling core's view of the cluster: agents leaving and coming back, the cluster totals
// it keeps current, and what feeds the status warnings (database health, unusable offers).
#include <gtest/gtest.h>

#include "scheduler/scheduling_core.h"
#include "tests/unit/scheduler/scheduling_core_fakes.h"

namespace scale::scheduler {
namespace {

using namespace testing;

mesos::Event failure(const std::string& agent_id, const std::string& executor_id = "") {
  mesos::Event e;
  e.type = mesos::EventType::Failure;
  e.failure.agent_id = agent_id;
  e.failure.executor_id = executor_id;
  return e;
}

const AgentView* find_agent(const std::vector<AgentView>& agents, const std::string& id) {
  for (const auto& agent : agents) {
    if (agent.record.agent_id == id) return &agent;
  }
  return nullptr;
}

class SchedulingCoreClusterTest : public SchedulingCoreTest {
 protected:
  // The totals of the last commit that wrote them.
  std::optional<db::Resources> last_totals() const {
    for (auto it = db.committed.rbegin(); it != db.committed.rend(); ++it) {
      if (it->cluster_totals) return it->cluster_totals;
    }
    return std::nullopt;
  }
};

TEST_F(SchedulingCoreClusterTest, RemovedAgentIsInactiveAndLeavesTheClusterTotals) {
  promote({});
  core->on_mesos(offers({offer("o1", "a1"), offer("o2", "a2")}), now);
  core->turn(now);
  ASSERT_TRUE(last_totals());
  EXPECT_DOUBLE_EQ(last_totals()->cpus, 8);

  core->on_mesos(failure("a2"), now);
  core->turn(now);
  ASSERT_FALSE(db.committed.empty());
  EXPECT_EQ(db.committed.back().agents_gone, std::vector<std::string>{"a2"});
  EXPECT_DOUBLE_EQ(last_totals()->cpus, 4);
  EXPECT_DOUBLE_EQ(last_totals()->mem, 4096);
  const auto agents = core->agents();
  ASSERT_NE(find_agent(agents, "a2"), nullptr);
  EXPECT_FALSE(find_agent(agents, "a2")->record.is_active);

  // An agent that offers again is back.
  core->on_mesos(offers({offer("o3", "a2")}), now);
  core->turn(now);
  EXPECT_DOUBLE_EQ(last_totals()->cpus, 8);
  EXPECT_TRUE(find_agent(core->agents(), "a2")->record.is_active);
}

TEST_F(SchedulingCoreClusterTest, RemovedAgentGetsNoLaunches) {
  promote({});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->on_mesos(failure("a1"), now);  // FAILURE may overtake the RESCIND
  core->on_jobs_changed({1});
  core->turn(now);
  EXPECT_TRUE(mesos.accepts.empty());
  EXPECT_TRUE(mesos.declines.empty());  // its offers are gone with it, never declined
  EXPECT_EQ(core->queued_jobs(), 1u);
}

TEST_F(SchedulingCoreClusterTest, ExecutorFailureLeavesTheAgentActive) {
  promote({});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  const size_t commits = db.committed.size();
  core->on_mesos(failure("a1", "executor-1"), now);
  core->turn(now);
  EXPECT_EQ(db.committed.size(), commits);  // nothing to write
  EXPECT_TRUE(find_agent(core->agents(), "a1")->record.is_active);
}

TEST_F(SchedulingCoreClusterTest, AgentRemovalIsWrittenAfterTheDatabaseReturns) {
  promote({});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  db.fail_next = true;
  core->on_mesos(failure("a1"), now);
  core->turn(now);
  core->turn(now);
  ASSERT_FALSE(db.committed.empty());
  EXPECT_EQ(db.committed.back().agents_gone, std::vector<std::string>{"a1"});
  ASSERT_TRUE(last_totals());
  EXPECT_DOUBLE_EQ(last_totals()->cpus, 0);
}

TEST_F(SchedulingCoreClusterTest, LaunchWrittenByACommitReportedFailedIsReconciledNotRelaunched) {
  promote({1});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  db.fail_next = true;  // COMMIT reached the server, but its answer was lost
  core->turn(now);
  EXPECT_TRUE(mesos.accepts.empty());
  db.active.push_back({1, 1, "scale_job_1_1", "a1", "LAUNCHING", 1});

  log.clear();
  core->on_mesos(offers({offer("o2", "a1")}), now);
  core->turn(now);
  EXPECT_TRUE(contains("reconcile explicit"));
  EXPECT_TRUE(mesos.accepts.empty());  // the job is not launched a second time
  EXPECT_EQ(core->queued_jobs(), 0u);
  EXPECT_FALSE(core->ready_to_launch());
}

TEST_F(SchedulingCoreClusterTest, DatabaseHealthCountsFailedCommits) {
  promote({});
  core->on_mesos(offers({offer("o1", "a1")}), now);
  db.fail_next = true;
  core->turn(now);
  core->on_mesos(offers({offer("o2", "a2")}), now);
  core->turn(now);
  DbHealth health = core->take_db_health();
  EXPECT_EQ(health.commits, 2u);
  EXPECT_EQ(health.failed_commits, 1u);
  EXPECT_EQ(health.last_error, "connection lost");
  health = core->take_db_health();  // taken: starts over
  EXPECT_EQ(health.commits, 0u);
  EXPECT_EQ(health.failed_commits, 0u);
}

TEST_F(SchedulingCoreClusterTest, OffersThatNoQueuedJobFitsAreReportedAfterAWhile) {
  SchedulingCore::Options o = options();
  o.offers_unusable_after = 10s;
  core = std::make_unique<SchedulingCore>(o, mesos, db);
  core->queue().load({{1, 100, 1, {64, 128, 0, 0}}});  // larger than any agent
  core->load({}, "fw-1", {});
  core->on_mesos(subscribed(), now);
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  EXPECT_FALSE(core->offers_unusable_since(now));  // not for long yet

  const auto later = now + 11s;
  core->on_mesos(offers({offer("o2", "a1")}), later);
  core->turn(later);
  ASSERT_TRUE(core->offers_unusable_since(later));
  EXPECT_EQ(*core->offers_unusable_since(later), now);

  // A job that fits is launched: the offers are usable again.
  core->on_jobs_changed({2});
  core->on_mesos(offers({offer("o3", "a1")}), later);
  core->turn(later);
  EXPECT_EQ(mesos.accepts.size(), 1u);
  EXPECT_FALSE(core->offers_unusable_since(later + 20s));
}

TEST_F(SchedulingCoreClusterTest, PausedSchedulerNeverReportsUnusableOffers) {
  SchedulingCore::Options o = options();
  o.offers_unusable_after = 0s;
  core = std::make_unique<SchedulingCore>(o, mesos, db);
  db::SchedulerSettings paused;
  paused.is_paused = true;
  core->queue().load({{1, 100, 1, {1, 128, 0, 0}}});
  core->load({}, "fw-1", paused);
  core->on_mesos(subscribed(), now);
  core->on_mesos(offers({offer("o1", "a1")}), now);
  core->turn(now);
  EXPECT_FALSE(core->offers_unusable_since(now + 1h));
}

}  // namespace
}  // namespace scale::scheduler
