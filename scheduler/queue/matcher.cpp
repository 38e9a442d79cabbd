#include "scheduler/queue/matcher.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "scheduler/queue/queue_walk.h"

namespace scale::queue {
namespace {

// One usable (unpaused) agent's capacity as the pass consumes it.
struct AgentSlot {
  const AgentOffer* offer;
  Resources free;
  bool reserved;
};

// An agent with GPUs, even when they are all in use now: work without GPUs should leave it to
// the jobs that need them (the advice that comes with GPU_RESOURCES, spec B.5).
bool gpu_agent(const AgentSlot& slot) {
  return slot.free.gpus > 0 || slot.offer->total.gpus > 0;
}

// Agents without GPUs first, then smallest first with GPUs dominant, so jobs without GPUs land on
// agents without them while any fits, and on GPU agents only when none does.
bool smaller_agent(const AgentSlot& a, const AgentSlot& b) {
  const Resources& x = a.free;
  const Resources& y = b.free;
  const bool a_gpus = gpu_agent(a);
  const bool b_gpus = gpu_agent(b);
  return std::tie(a_gpus, x.gpus, x.cpus, x.mem, x.disk, a.offer->agent_id) <
         std::tie(b_gpus, y.gpus, y.cpus, y.mem, y.disk, b.offer->agent_id);
}

bool could_ever_fit(const Resources& need, const AgentOffer& agent) {
  bool total_unknown = agent.total == Resources{};
  return total_unknown || need.fits_in(agent.total);
}

// How far `available` is from fitting `need`: the missing fraction summed over the resources.
double shortfall(const Resources& need, const Resources& available) {
  double sum = 0;
  auto add = [&sum](double want, double have) {
    if (want > have) sum += (want - have) / want;
  };
  add(need.cpus, available.cpus);
  add(need.mem, available.mem);
  add(need.disk, available.disk);
  add(need.gpus, available.gpus);
  return sum;
}

// The usable agent closest to fitting `need`, or nullptr when none could ever fit it.
const AgentOffer* closest_to_fitting(const Resources& need, const std::vector<AgentOffer>& agents) {
  const AgentOffer* best = nullptr;
  double best_gap = std::numeric_limits<double>::infinity();
  for (const AgentOffer& agent : agents) {
    if (agent.paused || !could_ever_fit(need, agent)) continue;
    double gap = shortfall(need, agent.available);
    if (gap < best_gap || (gap == best_gap && agent.agent_id < best->agent_id)) {
      best = &agent;
      best_gap = gap;
    }
  }
  return best;
}

// The state of one pass: the walk over the queue, the agents' shrinking capacity and each shape
// class's first-fit cursor into the agent list.
class OfferPass {
 public:
  OfferPass(const JobQueue& queue, const std::vector<AgentOffer>& agents,
            const std::optional<Reservation>& reservation, const MatcherOptions& options)
      : walk_(queue), mode_(queue.mode()), options_(options) {
    for (const AgentOffer& agent : agents) {
      if (agent.paused) continue;
      bool reserved = reservation && reservation->agent_id == agent.agent_id;
      slots_.push_back({&agent, agent.available, reserved});
      envelope_ = component_max(envelope_, agent.available);
    }
    std::sort(slots_.begin(), slots_.end(), smaller_agent);
    if (reservation) reserved_key_ = key_of(*queue.find(reservation->job_id));
  }

  PassResult run() {
    PassStats& stats = result_.stats;
    while (const QueueWalk::Item* item = walk_.peek()) {
      ++stats.jobs_examined;
      if (try_place(*item)) {
        walk_.advance();
        continue;
      }
      if (!result_.blocked_head && could_run_somewhere(item->shape->shape())) {
        result_.blocked_head = item->key.job_id;
      }
      walk_.drop();
      if (++stats.shapes_skipped >= options_.max_unplaceable_shapes_per_pass) {
        stats.budget_exhausted = true;
        break;
      }
    }
    return std::move(result_);
  }

 private:
  // A job no agent could ever hold must not be the blocked head: it would keep the reservation
  // from ever reaching the jobs behind it. Costs O(A) per skipped class until a head is found.
  bool could_run_somewhere(const Resources& need) const {
    return std::any_of(slots_.begin(), slots_.end(), [&need](const AgentSlot& slot) {
      return could_ever_fit(need, *slot.offer);
    });
  }

  bool try_place(const QueueWalk::Item& item) {
    const Resources& need = item.shape->shape();
    // The envelope is from the start of the pass, an upper bound on every agent since: a shape
    // beyond it is rejected without looking at any agent.
    if (!need.fits_in(envelope_)) return false;
    // The reserved agent serves the reserved job and whatever ranks ahead of it only.
    bool may_use_reserved = !reserved_key_ || !runs_before(mode_, *reserved_key_, item.key);
    size_t& cursor = cursors_[item.shape];
    for (; cursor < slots_.size(); ++cursor) {
      AgentSlot& slot = slots_[cursor];
      if (slot.reserved && !may_use_reserved) continue;
      ++result_.stats.fit_checks;
      if (need.fits_in(slot.free)) {
        slot.free -= need;
        result_.placements.push_back({item.key.job_id, slot.offer->agent_id, need});
        return true;  // the cursor stays: this agent may take the next job of the shape too
      }
    }
    return false;
  }

  QueueWalk walk_;
  QueueMode mode_;
  const MatcherOptions& options_;
  std::vector<AgentSlot> slots_;
  Resources envelope_;
  std::optional<QueueKey> reserved_key_;
  std::unordered_map<const ShapeClass*, size_t> cursors_;
  PassResult result_;
};

}  // namespace

Matcher::Matcher(MatcherOptions options) : options_(options) {}

void Matcher::reset() {
  blocked_head_.reset();
  blocked_passes_ = 0;
  reservation_.reset();
}

PassResult Matcher::run_pass(const JobQueue& queue, const std::vector<AgentOffer>& agents,
                             bool scheduler_paused) {
  if (scheduler_paused) return {};
  drop_stale_reservation(queue, agents);
  PassResult result = OfferPass(queue, agents, reservation_, options_).run();
  track_blocked_head(queue, agents, result);
  return result;
}

void Matcher::drop_stale_reservation(const JobQueue& queue, const std::vector<AgentOffer>& agents) {
  if (!reservation_) return;
  if (!queue.contains(reservation_->job_id)) {
    reset();
    return;
  }
  auto agent = std::find_if(agents.begin(), agents.end(), [this](const AgentOffer& a) {
    return a.agent_id == reservation_->agent_id;
  });
  // Keep the blocked-pass count: a replacement agent is chosen at the end of this pass.
  if (agent == agents.end() || agent->paused) reservation_.reset();
}

void Matcher::track_blocked_head(const JobQueue& queue, const std::vector<AgentOffer>& agents,
                                 const PassResult& result) {
  if (result.blocked_head != blocked_head_) {
    reset();
    blocked_head_ = result.blocked_head;
  }
  if (!blocked_head_) return;
  ++blocked_passes_;
  if (reservation_ || blocked_passes_ < options_.reserve_after_passes) return;
  Resources need = queue.find(*blocked_head_)->resources;
  if (const AgentOffer* agent = closest_to_fitting(need, agents)) {
    reservation_ = Reservation{*blocked_head_, agent->agent_id};
  }
}

}  // namespace scale::queue
