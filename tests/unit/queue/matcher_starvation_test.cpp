// The head-of-line policy over many passes: a small cluster whose running tasks finish and whose
// queue keeps receiving small jobs, as offers change from pass to pass.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "scheduler/queue/matcher.h"

namespace scale::queue {
namespace {

const Resources kSmall{1, 1024, 1000, 0};
const Resources kBig{4, 4096, 4000, 0};
const Resources kAgentTotal{4, 8192, 10000, 0};

// Agents with running tasks; what an agent offers is its total minus what runs there.
class ClusterSim {
 public:
  explicit ClusterSim(int agents) {
    for (int i = 0; i < agents; ++i) totals_["agent-" + std::to_string(i)] = kAgentTotal;
  }

  std::vector<AgentOffer> offers() const {
    std::vector<AgentOffer> out;
    for (const auto& [id, total] : totals_) {
      Resources available = total;
      for (const Task& task : running_) {
        if (task.agent == id) available -= task.resources;
      }
      out.push_back({id, available, total, paused_.count(id) != 0});
    }
    return out;
  }

  // What the leader does with placements: launch them and take them off the queue.
  void launch(const PassResult& result, JobQueue& queue, int duration_passes) {
    for (const Placement& p : result.placements) {
      running_.push_back({p.job_id, p.agent_id, p.resources, duration_passes});
      queue.remove(p.job_id);
    }
  }

  void run(const std::string& agent, Resources resources, int duration_passes) {
    running_.push_back({0, agent, resources, duration_passes});
  }

  void tick() {
    std::erase_if(running_, [](Task& task) { return --task.passes_left <= 0; });
  }

  void pause(const std::string& agent) { paused_[agent] = true; }

 private:
  struct Task {
    int64_t job_id;
    std::string agent;
    Resources resources;
    int passes_left;
  };
  std::map<std::string, Resources> totals_;
  std::map<std::string, bool> paused_;
  std::vector<Task> running_;
};

struct Outcome {
  int big_placed_at_pass = -1;
  int first_reserved_at_pass = -1;
  int small_placed_while_big_waited = 0;
  bool reserved_agent_took_other_jobs = false;
};

// Two busy agents, one big job at the head, two new small jobs every pass, tasks last 3 passes.
Outcome run_busy_cluster(Matcher& matcher, int passes) {
  ClusterSim cluster(2);
  cluster.run("agent-0", kSmall, 1);
  cluster.run("agent-0", kSmall, 2);
  cluster.run("agent-1", kSmall, 3);
  JobQueue queue;
  queue.insert({1, 1, 0, kBig});
  int64_t next_id = 2;
  Outcome outcome;
  for (int pass = 0; pass < passes && outcome.big_placed_at_pass < 0; ++pass) {
    for (int i = 0; i < 2; ++i, ++next_id) queue.insert({next_id, 1, next_id, kSmall});
    std::optional<Reservation> held = matcher.reservation();
    PassResult result = matcher.run_pass(queue, cluster.offers());
    for (const Placement& p : result.placements) {
      if (p.job_id == 1) outcome.big_placed_at_pass = pass;
      if (p.job_id != 1) ++outcome.small_placed_while_big_waited;
      if (held && p.job_id != 1 && p.agent_id == held->agent_id) {
        outcome.reserved_agent_took_other_jobs = true;
      }
    }
    if (matcher.reservation() && outcome.first_reserved_at_pass < 0) {
      EXPECT_EQ(matcher.reservation()->job_id, 1);
      outcome.first_reserved_at_pass = pass;
    }
    cluster.launch(result, queue, 3);
    cluster.tick();
  }
  return outcome;
}

TEST(MatcherStarvation, WithoutReservationTheBigJobStarves) {
  // Shows the scenario is a real starvation: small jobs keep both agents from ever draining.
  Matcher matcher(MatcherOptions{.reserve_after_passes = 1000000});
  Outcome outcome = run_busy_cluster(matcher, 50);
  EXPECT_EQ(outcome.big_placed_at_pass, -1);
  EXPECT_GT(outcome.small_placed_while_big_waited, 50);
}

TEST(MatcherStarvation, BigJobGetsAReservationAndIsPlacedOnceItsAgentDrains) {
  Matcher matcher(MatcherOptions{.reserve_after_passes = 3});
  Outcome outcome = run_busy_cluster(matcher, 50);
  // Small jobs kept flowing while the big one waited: it never blocked them.
  EXPECT_GT(outcome.small_placed_while_big_waited, 0);
  EXPECT_EQ(outcome.first_reserved_at_pass, 2);  // blocked head in passes 0, 1 and 2
  EXPECT_FALSE(outcome.reserved_agent_took_other_jobs);
  ASSERT_GE(outcome.big_placed_at_pass, 0);
  EXPECT_LE(outcome.big_placed_at_pass, outcome.first_reserved_at_pass + 4);  // tasks last 3
  EXPECT_FALSE(matcher.reservation());                                        // ends once placed
}

TEST(MatcherStarvation, NoReservationOnAgentsThatCouldNeverFitTheJob) {
  JobQueue queue;
  queue.insert({1, 1, 0, {16, 1024, 1000, 0}});
  queue.insert({2, 1, 1, kSmall});
  Matcher matcher(MatcherOptions{.reserve_after_passes = 1});
  ClusterSim cluster(2);
  for (int pass = 0; pass < 5; ++pass) matcher.run_pass(queue, cluster.offers());
  EXPECT_FALSE(matcher.reservation());
  EXPECT_EQ(matcher.run_pass(queue, cluster.offers()).placements.size(), 1u);
}

TEST(MatcherStarvation, AJobNoAgentCanHoldDoesNotShieldTheJobsBehindIt) {
  JobQueue queue;
  queue.insert({1, 1, 0, {16, 1024, 1000, 0}});  // larger than any agent's total
  queue.insert({2, 2, 0, kBig});
  Matcher matcher(MatcherOptions{.reserve_after_passes = 2});
  ClusterSim cluster(2);
  cluster.run("agent-0", kSmall, 99);
  cluster.run("agent-1", {2, 1024, 1000, 0}, 99);
  EXPECT_EQ(matcher.run_pass(queue, cluster.offers()).blocked_head, 2);
  matcher.run_pass(queue, cluster.offers());
  ASSERT_TRUE(matcher.reservation());
  EXPECT_EQ(*matcher.reservation(), (Reservation{2, "agent-0"}));
}

TEST(MatcherStarvation, ReservationPicksTheAgentClosestToFitting) {
  JobQueue queue;
  queue.insert({1, 1, 0, kBig});
  Matcher matcher(MatcherOptions{.reserve_after_passes = 1});
  ClusterSim cluster(3);
  cluster.run("agent-0", {3, 1024, 1000, 0}, 99);
  cluster.run("agent-1", {1, 1024, 1000, 0}, 99);
  cluster.run("agent-2", {2, 1024, 1000, 0}, 99);
  matcher.run_pass(queue, cluster.offers());
  ASSERT_TRUE(matcher.reservation());
  EXPECT_EQ(*matcher.reservation(), (Reservation{1, "agent-1"}));
}

TEST(MatcherStarvation, ReservationMovesOffAPausedAgent) {
  JobQueue queue;
  queue.insert({1, 1, 0, kBig});
  Matcher matcher(MatcherOptions{.reserve_after_passes = 1});
  ClusterSim cluster(2);
  cluster.run("agent-0", kSmall, 99);
  cluster.run("agent-1", {2, 1024, 1000, 0}, 99);
  matcher.run_pass(queue, cluster.offers());
  EXPECT_EQ(matcher.reservation()->agent_id, "agent-0");
  cluster.pause("agent-0");
  matcher.run_pass(queue, cluster.offers());
  ASSERT_TRUE(matcher.reservation());
  EXPECT_EQ(matcher.reservation()->agent_id, "agent-1");
}

TEST(MatcherStarvation, ReservationEndsWhenTheJobLeavesTheQueue) {
  JobQueue queue;
  queue.insert({1, 1, 0, kBig});
  queue.insert({2, 5, 1, kSmall});
  Matcher matcher(MatcherOptions{.reserve_after_passes = 1});
  ClusterSim cluster(1);
  cluster.run("agent-0", kSmall, 99);
  EXPECT_EQ(matcher.run_pass(queue, cluster.offers()).placements.size(), 1u);  // not launched
  ASSERT_TRUE(matcher.reservation());
  // While reserved, the small job that ranks after the big one is kept off the agent.
  EXPECT_TRUE(matcher.run_pass(queue, cluster.offers()).placements.empty());
  queue.remove(1);  // canceled
  PassResult result = matcher.run_pass(queue, cluster.offers());
  EXPECT_FALSE(matcher.reservation());
  ASSERT_EQ(result.placements.size(), 1u);
  EXPECT_EQ(result.placements[0].job_id, 2);
}

TEST(MatcherStarvation, JobsRankedAheadOfTheReservedJobMayStillUseItsAgent) {
  JobQueue queue;
  queue.insert({1, 5, 0, kBig});
  Matcher matcher(MatcherOptions{.reserve_after_passes = 1});
  ClusterSim cluster(1);
  cluster.run("agent-0", kSmall, 99);
  matcher.run_pass(queue, cluster.offers());
  ASSERT_TRUE(matcher.reservation());
  queue.insert({2, 1, 1, kSmall});  // higher priority than the reserved job
  PassResult result = matcher.run_pass(queue, cluster.offers());
  ASSERT_EQ(result.placements.size(), 1u);
  EXPECT_EQ(result.placements[0].job_id, 2);
  EXPECT_TRUE(matcher.reservation());  // job 1 is still the blocked head
}

}  // namespace
}  // namespace scale::queue
