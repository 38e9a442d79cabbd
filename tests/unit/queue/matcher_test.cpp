#include "scheduler/queue/matcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scale::queue {
namespace {

const Resources kSmall{1, 1024, 1000, 0};
const Resources kAgent{4, 8192, 10000, 0};

AgentOffer agent(const std::string& id, Resources available, bool paused = false) {
  return {id, available, Resources{}, paused};
}

std::vector<int64_t> placed_ids(const PassResult& result) {
  std::vector<int64_t> ids;
  for (const Placement& p : result.placements) ids.push_back(p.job_id);
  return ids;
}

TEST(Matcher, PlacesOnlyWhereAllFourResourcesIncludingGpusFit) {
  JobQueue queue;
  queue.insert({1, 1, 1, {2, 2048, 500, 1}});
  Matcher matcher;
  // Each agent lacks exactly one of the four resources.
  std::vector<AgentOffer> agents = {
      agent("no-cpu", {1, 9999, 9999, 2}), agent("no-mem", {8, 2000, 9999, 2}),
      agent("no-disk", {8, 9999, 400, 2}), agent("no-gpu", {8, 9999, 9999, 0})};
  EXPECT_TRUE(matcher.run_pass(queue, agents).placements.empty());
  agents.push_back(agent("gpu", {2, 2048, 500, 1}));
  PassResult result = matcher.run_pass(queue, agents);
  ASSERT_EQ(result.placements.size(), 1u);
  EXPECT_EQ(result.placements[0], (Placement{1, "gpu", {2, 2048, 500, 1}}));
}

TEST(Matcher, PacksSeveralJobsOntoOneAgentUntilItsCapacityRunsOut) {
  JobQueue queue;
  for (int64_t id = 1; id <= 6; ++id) queue.insert({id, 1, id, kSmall});
  Matcher matcher;
  PassResult result = matcher.run_pass(queue, {agent("a", kAgent)});
  EXPECT_EQ(placed_ids(result), (std::vector<int64_t>{1, 2, 3, 4}));
  for (const Placement& p : result.placements) EXPECT_EQ(p.agent_id, "a");
  EXPECT_EQ(result.blocked_head, 5);
}

TEST(Matcher, MemoryNotCpusCanBeWhatRunsOut) {
  JobQueue queue;
  for (int64_t id = 1; id <= 3; ++id) queue.insert({id, 1, id, {0.5, 4096, 1, 0}});
  Matcher matcher;
  EXPECT_EQ(matcher.run_pass(queue, {agent("a", kAgent)}).placements.size(), 2u);
}

TEST(Matcher, PausedAgentsGetNothing) {
  JobQueue queue;
  for (int64_t id = 1; id <= 3; ++id) queue.insert({id, 1, id, kSmall});
  Matcher matcher;
  PassResult result = matcher.run_pass(queue, {agent("paused", kAgent, true), agent("b", kSmall)});
  ASSERT_EQ(result.placements.size(), 1u);
  EXPECT_EQ(result.placements[0].agent_id, "b");
}

TEST(Matcher, PausedSchedulerPlacesNothing) {
  JobQueue queue;
  queue.insert({1, 1, 1, kSmall});
  Matcher matcher;
  PassResult result = matcher.run_pass(queue, {agent("a", kAgent)}, /*scheduler_paused=*/true);
  EXPECT_TRUE(result.placements.empty());
  EXPECT_EQ(result.stats.jobs_examined, 0u);
}

TEST(Matcher, ScarceCapacityGoesToTheFirstJobsInQueueOrder) {
  JobQueue queue;
  queue.insert({1, 100, 1, kSmall});
  queue.insert({2, 10, 5, kSmall});
  queue.insert({3, 10, 2, {2, 1024, 1000, 0}});
  Matcher matcher;
  EXPECT_EQ(placed_ids(matcher.run_pass(queue, {agent("a", {3, 8192, 9999, 0})})),
            (std::vector<int64_t>{3, 2}));
  queue.set_mode(QueueMode::Lifo);
  EXPECT_EQ(placed_ids(matcher.run_pass(queue, {agent("a", {3, 8192, 9999, 0})})),
            (std::vector<int64_t>{2, 3}));
}

TEST(Matcher, JobsWithoutGpusLandOnAgentsWithoutGpus) {
  JobQueue queue;
  queue.insert({1, 1, 1, kSmall});
  queue.insert({2, 1, 2, {1, 1024, 1000, 1}});
  Matcher matcher;
  PassResult result =
      matcher.run_pass(queue, {agent("gpu", {1, 2048, 2000, 1}), agent("plain", kAgent)});
  EXPECT_EQ(result.placements,
            (std::vector<Placement>{{1, "plain", kSmall}, {2, "gpu", {1, 1024, 1000, 1}}}));
}

// An agent whose GPUs are all busy offers none, yet it is still a GPU agent: work without GPUs
// goes elsewhere while anything else fits, even to a fuller agent.
TEST(Matcher, JobsWithoutGpusAvoidGpuAgentsWhoseGpusAreBusy) {
  JobQueue queue;
  queue.insert({1, 1, 1, kSmall});
  Matcher matcher;
  const AgentOffer busy_gpu{"gpu", {2, 2048, 2000, 0}, {8, 16384, 20000, 2}, false};
  const AgentOffer plain{"plain", kAgent, kAgent, false};
  EXPECT_EQ(matcher.run_pass(queue, {busy_gpu, plain}).placements,
            (std::vector<Placement>{{1, "plain", kSmall}}));
}

TEST(Matcher, JobsWithoutGpusUseGpuAgentsOnlyWhenNothingElseFits) {
  JobQueue queue;
  queue.insert({1, 1, 1, {3, 4096, 1000, 0}});
  Matcher matcher;
  const AgentOffer gpu{"gpu", {8, 16384, 20000, 2}, {8, 16384, 20000, 2}, false};
  const AgentOffer small{"small", kSmall, kSmall, false};
  EXPECT_EQ(matcher.run_pass(queue, {gpu, small}).placements,
            (std::vector<Placement>{{1, "gpu", {3, 4096, 1000, 0}}}));
}

TEST(Matcher, JobsWithGpusGoOnlyToAgentsOfferingThem) {
  JobQueue queue;
  queue.insert({1, 1, 1, {1, 1024, 1000, 2}});
  Matcher matcher;
  const AgentOffer one_gpu{"one-gpu", {8, 16384, 20000, 1}, {8, 16384, 20000, 1}, false};
  const AgentOffer plain{"plain", kAgent, kAgent, false};
  EXPECT_TRUE(matcher.run_pass(queue, {one_gpu, plain}).placements.empty());
  const AgentOffer two_gpus{"two-gpus", {8, 16384, 20000, 2}, {8, 16384, 20000, 2}, false};
  EXPECT_EQ(matcher.run_pass(queue, {one_gpu, plain, two_gpus}).placements,
            (std::vector<Placement>{{1, "two-gpus", {1, 1024, 1000, 2}}}));
}

TEST(Matcher, HeadOfLineJobThatFitsNowhereDoesNotBlockSmallerJobs) {
  JobQueue queue;
  queue.insert({1, 1, 1, {16, 1024, 1000, 0}});  // larger than any agent
  for (int64_t id = 2; id <= 5; ++id) queue.insert({id, 5, id, kSmall});
  Matcher matcher;
  PassResult result = matcher.run_pass(queue, {agent("a", kAgent)});
  EXPECT_EQ(placed_ids(result), (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(result.blocked_head, 1);
}

// 100,000 jobs larger than any agent queue ahead of 100,000 small ones: the pass skips the large
// shape as a whole, so the jobs it looks at are the placements plus one per shape.
TEST(Matcher, PassOverALargeQueueExaminesBoundedJobs) {
  std::vector<QueuedJob> jobs;
  for (int64_t id = 1; id <= 100000; ++id) jobs.push_back({id, 1, id, {64, 1024, 1000, 0}});
  for (int64_t id = 100001; id <= 200000; ++id) {
    jobs.push_back({id, 5, id, id % 2 ? kSmall : Resources{2, 2048, 1000, 0}});
  }
  JobQueue queue;
  queue.load(std::move(jobs));
  std::vector<AgentOffer> agents;
  for (int i = 0; i < 10; ++i) agents.push_back(agent("a" + std::to_string(i), kAgent));
  PassResult result = Matcher().run_pass(queue, agents);
  EXPECT_GT(result.placements.size(), 10u);
  EXPECT_LE(result.stats.jobs_examined, result.placements.size() + queue.shape_count());
  EXPECT_LE(result.stats.fit_checks,
            result.placements.size() + queue.shape_count() * agents.size());
}

TEST(Matcher, PassStopsAfterTheBudgetOfUnplaceableShapes) {
  JobQueue queue;
  for (int64_t id = 1; id <= 5000; ++id) {
    queue.insert(
        {id, 1, id, {100.0 + static_cast<double>(id), 1, 1, 0}});  // all distinct, all too big
  }
  queue.insert({9999, 2, 1, kSmall});
  Matcher matcher(
      MatcherOptions{.reserve_after_passes = 3, .max_unplaceable_shapes_per_pass = 100});
  PassResult result = matcher.run_pass(queue, {agent("a", kAgent)});
  EXPECT_TRUE(result.stats.budget_exhausted);
  EXPECT_EQ(result.stats.jobs_examined, 100u);
  EXPECT_TRUE(result.placements.empty());
}

}  // namespace
}  // namespace scale::queue
