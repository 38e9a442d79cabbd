// The scheduling core's parts on their own: agents, live tasks, update batches, launch planning
// and offer policy.
#include <gtest/gtest.h>

#include "db/task_spec.h"
#include "scheduler/agent_book.h"
#include "scheduler/launch_planner.h"
#include "scheduler/live_tasks.h"
#include "scheduler/offer_policy.h"
#include "scheduler/update_batch.h"
#include "tests/unit/scheduler/scheduling_core_fakes.h"

namespace scale::scheduler::testing {
namespace {

TEST(AgentBook, WritesAnAgentOnlyWhenAnOfferChangesIt) {
  AgentBook book;
  book.note_offer(offer("o1", "a1"));
  book.note_offer(offer("o2", "a1"));  // same resources and hostname
  TurnWrites writes;
  book.take_writes(writes);
  ASSERT_EQ(writes.agents.size(), 1u);
  EXPECT_EQ(writes.agents[0].total, (db::Resources{4, 4096, 1000, 0}));
  ASSERT_TRUE(writes.cluster_totals);
  EXPECT_EQ(*writes.cluster_totals, (db::Resources{4, 4096, 1000, 0}));

  TurnWrites next;
  book.take_writes(next);
  EXPECT_TRUE(next.empty());
}

TEST(AgentBook, RemovedAgentLeavesTheTotalsAndTheMatcherAndComesBackOnRestore) {
  AgentBook book;
  book.note_offer(offer("o1", "a1"));
  book.note_offer(offer("o2", "a2"));
  TurnWrites first;
  book.take_writes(first);
  book.remove("a2");
  book.remove("a2");  // once only
  TurnWrites writes;
  book.take_writes(writes);
  EXPECT_EQ(writes.agents_gone, std::vector<std::string>{"a2"});
  EXPECT_EQ(writes.cluster_totals->cpus, 4);
  EXPECT_EQ(book.for_matcher(OfferBook{}).size(), 1u);

  book.restore(writes);  // the commit failed
  TurnWrites again;
  book.take_writes(again);
  EXPECT_EQ(again.agents_gone, std::vector<std::string>{"a2"});
  EXPECT_TRUE(again.cluster_totals);
}

TEST(AgentBook, StoredRowsBringNodeIdsAndPauseFlagsNotResources) {
  AgentBook book;
  book.note_offer(offer("o1", "a1"));
  db::AgentRecord stored;
  stored.node_id = 7;
  stored.agent_id = "a1";
  stored.hostname = "elsewhere";
  stored.is_paused = true;
  stored.resources = {1, 1, 1, 1};
  book.merge_stored({stored});
  const auto agents = book.for_matcher(OfferBook{});
  ASSERT_EQ(agents.size(), 1u);
  EXPECT_TRUE(agents[0].paused);
  EXPECT_EQ(agents[0].total, (queue::Resources{4, 4096, 1000, 0}));
  const auto views = book.views(OfferBook{}, LiveTasks{});
  EXPECT_EQ(views[0].record.node_id, 7);
  EXPECT_EQ(views[0].record.hostname, "a1.sim");
}

TEST(LiveTasks, RemembersTheStoredUuidOfALiveTaskAndOfOneThatEnded) {
  LiveTasks tasks;
  tasks.add_launched("t1", {1, "a1", {}, {}, false});
  EXPECT_FALSE(tasks.add_if_new("t1", 2, "a2"));
  EXPECT_EQ(tasks.unheard(), 1u);
  mesos::TaskStatus running;
  running.task_id = "t1";
  running.state = "TASK_RUNNING";
  running.uuid = "u1";
  EXPECT_FALSE(tasks.is_stored_redelivery(running));
  tasks.on_committed(running);
  EXPECT_TRUE(tasks.is_stored_redelivery(running));
  EXPECT_EQ(tasks.unheard(), 0u);
  mesos::TaskStatus finished = running;
  finished.state = "TASK_FINISHED";
  finished.uuid = "u2";
  tasks.on_committed(finished);
  EXPECT_FALSE(tasks.contains("t1"));
  EXPECT_TRUE(tasks.to_reconcile().empty());
  EXPECT_TRUE(tasks.is_stored_redelivery(finished)) << "Mesos resends it until acknowledged";
  EXPECT_FALSE(tasks.is_stored_redelivery(running));
}

TEST(LiveTasks, ForgetsTheOldestEndedTasksFirst) {
  LiveTasks tasks;
  mesos::TaskStatus finished;
  finished.state = "TASK_FINISHED";
  finished.uuid = "u";
  for (size_t i = 0; i <= LiveTasks::kEndedRemembered; ++i) {
    finished.task_id = "t" + std::to_string(i);
    tasks.on_committed(finished);
  }
  finished.task_id = "t0";
  EXPECT_FALSE(tasks.is_stored_redelivery(finished));
  finished.task_id = "t1";
  EXPECT_TRUE(tasks.is_stored_redelivery(finished));
}

TEST(LiveTasks, ATaskEndingUnheardFromLeavesTheLaunchesInFlight) {
  LiveTasks tasks;
  tasks.add_launched("t1", {1, "a1", {}, {}, false});
  tasks.add_launched("t2", {2, "a1", {}, {}, false});
  EXPECT_TRUE(tasks.add_if_new("t3", 3, "a1"));  // loaded at promotion: not a launch
  EXPECT_EQ(tasks.unheard(), 2u);
  mesos::TaskStatus lost;
  lost.task_id = "t1";
  lost.state = "TASK_LOST";
  tasks.on_committed(lost);
  EXPECT_EQ(tasks.unheard(), 1u);
}

TEST(UpdateBatch, HandsTheUpdatesToTheCommitAndKeepsTheStatusesForTheAcks) {
  UpdateBatch batch;
  mesos::TaskStatus status;
  status.task_id = "t1";
  status.state = "TASK_RUNNING";
  batch.add(status);
  batch.add_lost({"t2", "a2"});
  const auto updates = batch.take_updates();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_FALSE(updates[0].reason);  // empty text is stored as NULL
  EXPECT_EQ(updates[1].state, "TASK_LOST");
  EXPECT_EQ(updates[1].reason, "REASON_RECONCILIATION");
  EXPECT_TRUE(batch.take_updates().empty());
  EXPECT_EQ(batch.statuses().size(), 2u);
  batch.clear();
  EXPECT_TRUE(batch.statuses().empty());
}

TEST(UpdateBatch, ACommitTakesAtMostItsShareAndTheRestWaitsForTheNext) {
  UpdateBatch batch;
  mesos::TaskStatus status;
  status.state = "TASK_FINISHED";
  for (size_t i = 0; i < UpdateBatch::kPerCommit + 3; ++i) {
    status.task_id = "t" + std::to_string(i);
    batch.add(status);
  }
  EXPECT_EQ(batch.take_updates().size(), UpdateBatch::kPerCommit);
  EXPECT_TRUE(batch.has_untaken());
  EXPECT_EQ(batch.taken(), UpdateBatch::kPerCommit);
  batch.committed();
  ASSERT_EQ(batch.statuses().size(), 3u);
  EXPECT_EQ(batch.statuses()[0].task_id, "t" + std::to_string(UpdateBatch::kPerCommit));
  const auto rest = batch.take_updates();
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].task_id, "t" + std::to_string(UpdateBatch::kPerCommit));
  EXPECT_FALSE(batch.has_untaken());
}

TEST(LaunchPlanner, PlacesQueuedWorkAndTracksOffersThatFitNothing) {
  LaunchPlanner planner(10s);
  queue::JobQueue queue;
  queue.load({{1, 100, 1, {1, 128, 0, 0}}, {2, 100, 2, {64, 128, 0, 0}}});
  const std::vector<queue::AgentOffer> agents = {{"a1", {2, 1024, 0, 0}, {2, 1024, 0, 0}, false}};
  const Clock::time_point start{};
  const auto launches = planner.plan(true, queue, agents, 1, start);
  ASSERT_EQ(launches.size(), 1u);
  EXPECT_EQ(launches[0].job_id, 1);
  EXPECT_EQ(launches[0].agent_id, "a1");

  queue.remove(1);
  EXPECT_TRUE(planner.plan(true, queue, agents, 1, start).empty());
  EXPECT_FALSE(planner.unusable_since(start + 9s));
  EXPECT_EQ(planner.unusable_since(start + 10s), start);
  planner.plan(false, queue, agents, 1, start + 11s);  // nothing expected to run
  EXPECT_FALSE(planner.unusable_since(start + 20s));
}

TEST(LaunchPlanner, TaskLaunchCarriesTheJobRowAndOnlyTheResourcesAskedFor) {
  const std::vector<db::Launch> planned = {{1, "a1", {1, 128, 0, 0}}, {2, "a2", {2, 0, 5, 0}}};
  const std::vector<db::LaunchedExecution> launched = {
      {2, 1, "scale_job_2_1", "two", "echo 2", "{}", std::nullopt}};
  const auto committed = LaunchPlanner::committed(planned, launched);
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_EQ(committed[0].first, &planned[1]);
  const auto task = LaunchPlanner::task_launch(*committed[0].first, *committed[0].second);
  EXPECT_EQ(task.task_id, "scale_job_2_1");
  EXPECT_EQ(task.agent_id, "a2");
  EXPECT_EQ(task.name, "two");
  EXPECT_EQ(task.command, "echo 2");
  ASSERT_EQ(task.resources.size(), 2u);
  EXPECT_EQ(task.resources[0].name, "cpus");
  EXPECT_EQ(task.resources[1].name, "disk");
}

// The stored spec becomes the TaskLaunch: an image without a command runs its entrypoint with the
// args (shell false); env, uris, user, labels and the kill grace travel as they are.
TEST(LaunchPlanner, TaskLaunchCarriesTheStoredSpecAndKillGrace) {
  db::TaskSpec spec;
  spec.container = db::Container{db::ContainerType::Docker,
                                 "algo:1",
                                 true,
                                 db::DockerNetwork::None,
                                 {{"ulimit", "nofile=1024"}},
                                 {{"/in", "/srv/in", db::VolumeMode::RO}}};
  spec.args = {"-v", "x"};
  spec.env = {{"B", "2"}, {"A", "1"}};
  spec.uris = {{"https://e.example/f.tgz", false, true, true}};
  spec.user = "scale";
  spec.labels = {{"team", "ops"}};
  const db::Launch planned{3, "a3", {1, 0, 0, 0}};
  const db::LaunchedExecution launched{
      3, 1, "scale_job_3_1", "three", "", db::task_spec_json(spec), 4.0};
  const auto task = LaunchPlanner::task_launch(planned, launched);
  EXPECT_FALSE(task.shell);
  EXPECT_EQ(task.command, "");
  EXPECT_EQ(task.arguments, (std::vector<std::string>{"-v", "x"}));
  ASSERT_EQ(task.environment.size(), 2u);
  EXPECT_EQ(task.environment[0].name, "A");  // by name
  EXPECT_EQ(task.environment[1].value, "2");
  ASSERT_EQ(task.uris.size(), 1u);
  EXPECT_TRUE(task.uris[0].cache);
  EXPECT_EQ(task.user, "scale");
  ASSERT_EQ(task.labels.size(), 1u);
  EXPECT_EQ(task.labels[0].key, "team");
  ASSERT_TRUE(task.container);
  EXPECT_EQ(task.container->type, mesos::Container::Type::Docker);
  EXPECT_EQ(task.container->image, "algo:1");
  EXPECT_TRUE(task.container->force_pull);
  EXPECT_EQ(task.container->network, mesos::Container::Network::None);
  ASSERT_EQ(task.container->volumes.size(), 1u);
  EXPECT_EQ(task.container->volumes[0].mode, mesos::Volume::Mode::RO);
  EXPECT_EQ(task.kill_grace_seconds, 4.0);

  // With a command, the shell runs it (inside the image) and the args are not sent.
  spec.args.clear();
  const db::LaunchedExecution with_command{
      3, 1, "scale_job_3_1", "three", "echo hi", db::task_spec_json(spec), std::nullopt};
  const auto shell = LaunchPlanner::task_launch(planned, with_command);
  EXPECT_TRUE(shell.shell);
  EXPECT_EQ(shell.command, "echo hi");
  EXPECT_TRUE(shell.arguments.empty());
  EXPECT_FALSE(shell.kill_grace_seconds);
}

class OfferPolicyTest : public ::testing::Test {
 protected:
  OfferPolicyTest() : policy_(options(), mesos_) {}
  static OfferPolicy::Options options() {
    OfferPolicy::Options o;
    o.suppress_after = 3s;
    return o;
  }
  Log log_;
  FakeMesos mesos_{log_};
  OfferPolicy policy_;
  OfferBook offers_;
  const Clock::time_point start_{};
};

TEST_F(OfferPolicyTest, IdleHoldsOffersBrieflyThenDeclinesThemAsIdle) {
  offers_.add({offer("o1", "a1")}, start_);
  const OfferPolicy::Situation idle{true, false, true, true};
  policy_.decline_rest(offers_, idle, start_ + 500ms);
  EXPECT_TRUE(mesos_.declines.empty());
  policy_.decline_rest(offers_, idle, start_ + 1001ms);
  ASSERT_EQ(mesos_.declines.size(), 1u);
  EXPECT_EQ(mesos_.declines[0].refuse, 5);
}

TEST_F(OfferPolicyTest, PausedDeclinesAtOnceForLonger) {
  offers_.add({offer("o1", "a1")}, start_);
  policy_.decline_rest(offers_, {true, true, true, false}, start_);
  ASSERT_EQ(mesos_.declines.size(), 1u);
  EXPECT_EQ(mesos_.declines[0].refuse, 30);
}

TEST_F(OfferPolicyTest, SuppressesAfterAQuietSpellAndRevivesForNewWork) {
  policy_.on_subscribed(start_);
  const OfferPolicy::Situation quiet{true, false, true, true};
  policy_.adjust_suppression(quiet, start_ + 1s);
  EXPECT_TRUE(log_.empty());
  policy_.adjust_suppression(quiet, start_ + 3s);
  EXPECT_EQ(log_, Log{"suppress"});
  policy_.adjust_suppression({true, false, true, false}, start_ + 4s);
  EXPECT_EQ(log_, (Log{"suppress", "revive"}));
  policy_.adjust_suppression({true, false, true, false}, start_ + 5s);  // not again
  policy_.want_revive();
  policy_.adjust_suppression({true, false, true, false}, start_ + 6s);
  EXPECT_EQ(log_, (Log{"suppress", "revive", "revive"}));
}

}  // namespace
}  // namespace scale::scheduler::testing
