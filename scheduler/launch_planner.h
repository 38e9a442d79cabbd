#pragma once

// Where queued jobs go: one matcher pass per turn over the agents' current offers, and the
// Mesos tasks for the launches the turn's commit wrote ahead. Also tracks how long offers have
// been held with queued work that fits none of them, for the status warning.

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "db/execution_store.h"
#include "scheduler/mesos/mesos_call.h"
#include "scheduler/queue/job_queue.h"
#include "scheduler/queue/matcher.h"

namespace scale::scheduler {

class LaunchPlanner {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LaunchPlanner(std::chrono::milliseconds unusable_after)
      : unusable_after_(unusable_after) {}

  // `can_launch` false (unsubscribed, reconciling, paused, nothing queued): no placements, and
  // offers are not the problem. Otherwise the pass's placements, once there are offers.
  std::vector<db::Launch> plan(bool can_launch, const queue::JobQueue& queue,
                               const std::vector<queue::AgentOffer>& agents, size_t offers,
                               Clock::time_point now);
  // Since when offers have been held, with queued work and nothing placed, for longer than
  // unusable_after; nullopt otherwise.
  std::optional<Clock::time_point> unusable_since(Clock::time_point now) const;

  // Each committed execution with the placement it was written for; placements record_launches
  // left out (canceled or launched meanwhile) have none.
  using Committed = std::pair<const db::Launch*, const db::LaunchedExecution*>;
  static std::vector<Committed> committed(const std::vector<db::Launch>& planned,
                                          const std::vector<db::LaunchedExecution>& launched);
  // The task to ACCEPT; the resources' allocation role is the offer's, for the caller to set.
  static mesos::TaskLaunch task_launch(const db::Launch& launch,
                                       const db::LaunchedExecution& execution);

 private:
  std::chrono::milliseconds unusable_after_;
  queue::Matcher matcher_;
  std::optional<Clock::time_point> unusable_since_;
};

}  // namespace scale::scheduler
