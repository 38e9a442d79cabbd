#pragma once

// One offer pass: which queued jobs go to which agents, given what each agent has on offer.
// Pure and single-threaded; the caller turns placements into LAUNCHING rows and ACCEPTs, and
// removes launched jobs from the JobQueue before the next pass.
//
// Matching policy
//   Jobs are visited in queue order (priority, then FIFO/LIFO). Each goes to the first agent that
//   fits all four resources, agents without GPUs first (an agent counts as a GPU agent when its
//   offer or its known total has any), then in ascending (gpus, cpus, mem, disk) order of free
//   capacity at the start of the pass. A job asking for GPUs fits only GPU agents; a job without
//   lands on a GPU agent only when no other agent fits it. That is first-fit over agents sorted
//   smallest first: it approximates best-fit (small jobs fill the fullest/smallest agents, large
//   agents and GPU agents stay whole for the jobs that need them) while costing amortised O(1) per
//   placement, because an agent that did not fit a shape cannot fit it later in the same pass
//   (capacity only shrinks) and each shape class keeps a cursor into the agent list. When a job
//   fits no agent, nor does any other job of its shape, so the whole shape class is skipped for the
//   pass. A pass therefore costs O(P log S + S * A): P placements, S shape classes reached, A
//   agents; never a walk over the queue's length. As a guard against pathological shape diversity,
//   a pass stops after `max_unplaceable_shapes_per_pass` skips.
//
// Starvation policy (head of line)
//   Larger jobs that fit nowhere do not block smaller ones: their class is skipped and the jobs
//   behind them are still placed. To keep the large job from being starved by those smaller ones
//   forever, the matcher tracks the *blocked head*: the first job in queue order a pass left
//   unplaced among those some usable agent could hold when empty (a job larger than every known
//   agent total never becomes the blocked head, so it cannot shield the jobs behind it). Once the
//   same job has been the blocked head for `reserve_after_passes` passes in a row, the matcher
//   reserves for it the usable agent closest to fitting it (least relative shortfall over the four
//   resources; agents whose known total could never fit it are not chosen). From then on no job
//   that ranks after it is placed on that agent, so the agent drains as its tasks finish until the
//   job fits there (or anywhere else). The reservation ends when the job is placed, leaves the
//   queue, or is no longer the blocked head (e.g. a higher-priority job is now blocked); it moves
//   to another agent if its agent is paused or no longer reported. Jobs ranking ahead of the
//   reserved job may still use the reserved agent.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scheduler/queue/job_queue.h"

namespace scale::queue {

// What one agent can take now. Pass every active agent the leader knows, including agents with
// no outstanding offer (available all zero), so a reservation on a draining agent survives.
struct AgentOffer {
  std::string agent_id;
  Resources available;  // summed over this agent's outstanding offers
  Resources total;      // the agent's whole capacity when known; all zero means unknown
  bool paused = false;  // node paused: gets no placements and no reservation
};

struct Placement {
  int64_t job_id = 0;
  std::string agent_id;
  Resources resources;

  bool operator==(const Placement& other) const = default;
};

struct Reservation {
  int64_t job_id = 0;
  std::string agent_id;

  bool operator==(const Reservation& other) const = default;
};

struct MatcherOptions {
  // Passes in a row a job must be the blocked head before an agent is reserved for it. At one
  // pass per offer round (about a second) this is the head's grace period.
  int reserve_after_passes = 3;
  // Bounds a pass when nearly every queued job has a distinct shape.
  size_t max_unplaceable_shapes_per_pass = 1000;
};

// What a pass did, for metrics and for tests that bound its work.
struct PassStats {
  size_t jobs_examined = 0;   // queue entries looked at: placements + shape classes skipped
  size_t shapes_skipped = 0;  // classes given up on for this pass
  size_t fit_checks = 0;      // job-against-agent comparisons
  bool budget_exhausted = false;
};

struct PassResult {
  std::vector<Placement> placements;
  PassStats stats;
  // First job in queue order left unplaced that some usable agent could hold when empty.
  std::optional<int64_t> blocked_head;
};

class Matcher {
 public:
  explicit Matcher(MatcherOptions options = {});

  // Places what fits. `scheduler_paused` yields no placements and leaves the starvation state
  // alone (the caller declines the offers).
  PassResult run_pass(const JobQueue& queue, const std::vector<AgentOffer>& agents,
                      bool scheduler_paused = false);

  const std::optional<Reservation>& reservation() const { return reservation_; }
  // Forgets the starvation state, e.g. when the term ends.
  void reset();

 private:
  void drop_stale_reservation(const JobQueue& queue, const std::vector<AgentOffer>& agents);
  void track_blocked_head(const JobQueue& queue, const std::vector<AgentOffer>& agents,
                          const PassResult& result);

  MatcherOptions options_;
  std::optional<int64_t> blocked_head_;
  int blocked_passes_ = 0;
  std::optional<Reservation> reservation_;
};

}  // namespace scale::queue
