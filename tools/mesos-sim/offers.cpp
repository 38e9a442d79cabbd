// Offers: allocation to subscribed, unsuppressed frameworks; ACCEPT/DECLINE validation; refuse
// filters; SUPPRESS/REVIVE.

#include <algorithm>
#include <unordered_set>

#include "master.h"

namespace mesos_sim {
namespace {

constexpr double kDefaultRefuseSeconds = 5;
constexpr double kMaxRefuseSeconds = 365 * 24 * 3600.0;
// The allocator's minimum allocatable resources (cpus 0.01 or mem 32 MB).
bool allocatable(const Resources& r) {
  return r.cpus >= 0.01 || r.mem >= 32;
}

const std::string* offer_role(const Framework& fw) {
  for (const auto& role : fw.info.roles) {
    if (!fw.suppressed_roles.count(role)) return &role;
  }
  return nullptr;
}

}  // namespace

bool Master::filtered(const Framework& fw, int agent, const Resources& free, Millis now) const {
  auto it = fw.filters.find(agent);
  return it != fw.filters.end() && now < it->second.until && it->second.refused.contains(free);
}

void Master::allocate(Millis now) {
  std::vector<Framework*> eligible;
  for (auto& [id, fw] : frameworks_) {
    if (fw.connected && offer_role(fw)) eligible.push_back(&fw);
  }
  if (eligible.empty()) return;
  std::sort(eligible.begin(), eligible.end(),
            [](const Framework* a, const Framework* b) { return a->id < b->id; });
  std::unordered_map<Framework*, OffersEvent> events;
  for (size_t i = 0; i < agents_.size(); ++i) {
    Agent& agent = agents_[i];
    if (agent.state != AgentState::REGISTERED || !agent.offer_id.empty()) continue;
    Resources free = agent.total;
    free -= agent.used;
    if (!allocatable(free)) continue;
    for (size_t k = 0; k < eligible.size(); ++k) {
      Framework* fw = eligible[(allocation_cursor_ + k) % eligible.size()];
      if (filtered(*fw, static_cast<int>(i), free, now)) continue;
      // isCapableOfReceivingAgent: an agent with gpus is not offered at all without
      // GPU_RESOURCES (B.5).
      bool gpu_agent = agent.total.gpus > 0 && config_.filter_gpu_resources;
      if (gpu_agent && !fw->info.gpu_resources) continue;
      Offer offer{info_.id + "-O" + std::to_string(next_offer_++), fw->id, *offer_role(*fw),
                  static_cast<int>(i), free};
      agent.offer_id = offer.id;
      fw->offers.insert(offer.id);
      events[fw].add(offer, agent, fw->info.multi_role);
      offers_.emplace(offer.id, std::move(offer));
      ++allocation_cursor_;
      break;
    }
  }
  for (auto& [fw, event] : events) send(*fw, event.finish());
}

void Master::remove_offer(const std::string& offer_id, bool rescind) {
  auto it = offers_.find(offer_id);
  if (it == offers_.end()) return;
  agents_[it->second.agent].offer_id.clear();
  if (auto fw = frameworks_.find(it->second.framework_id); fw != frameworks_.end()) {
    fw->second.offers.erase(offer_id);
    if (rescind) send(fw->second, rescind_event(offer_id));
  }
  offers_.erase(it);
}

void Master::remove_offers_of(Framework& fw, bool rescind) {
  std::vector<std::string> ids(fw.offers.begin(), fw.offers.end());
  for (const auto& id : ids) remove_offer(id, rescind);
}

void Master::rescind_offers(const std::string& framework_id) {
  for (auto& [id, fw] : frameworks_) {
    if (framework_id.empty() || framework_id == id) remove_offers_of(fw, true);
  }
}

void Master::add_filter(Framework& fw, int agent, const Resources& refused,
                        std::optional<double> refuse_seconds, Millis now) {
  double seconds = refuse_seconds.value_or(kDefaultRefuseSeconds);
  if (seconds < 0) seconds = kDefaultRefuseSeconds;
  seconds = std::min(seconds, kMaxRefuseSeconds);
  if (seconds <= 0 || refused.empty()) return;
  fw.filters[agent] = Filter{refused, now + static_cast<Millis>(seconds * 1000)};
}

// validation::offer::validate: the validators run one after the other over all the offers.
std::string Master::offer_error(const Framework& fw, const std::vector<std::string>& ids) const {
  if (ids.empty()) return "No offers specified";
  std::unordered_set<std::string> seen;
  for (const auto& id : ids) {
    if (!seen.insert(id).second) return "Duplicate offer " + id + " in offer list";
  }
  for (const auto& id : ids) {
    if (!offers_.count(id)) return "Offer " + id + " is no longer valid";
  }
  for (const auto& id : ids) {
    const Offer& offer = offers_.at(id);
    if (offer.framework_id != fw.id) {
      return "Offer " + id + " has invalid framework " + offer.framework_id + " while framework " +
             fw.id + " is expected";
    }
  }
  const Offer& first = offers_.at(ids[0]);
  for (const auto& id : ids) {
    if (offers_.at(id).role != first.role) {
      // The master's own (unbalanced) quotes.
      return "Aggregated offers must be allocated to the same role. Offer " + id + " uses role '" +
             offers_.at(id).role + " but another is using role '" + first.role;
    }
  }
  for (const auto& id : ids) {
    int agent = offers_.at(id).agent;
    if (agent != first.agent) {
      return "Aggregated offers must belong to one single agent. Offer " + id + " uses agent " +
             agents_[agent].id + " and agent " + agents_[first.agent].id;
    }
  }
  return "";
}

void Master::accept(Framework& fw, const Call& call, Millis now) {
  std::string error = offer_error(fw, call.offer_ids);
  int agent = -1;
  std::string role;
  Resources available;
  std::vector<std::string> used_ids;
  for (const auto& id : call.offer_ids) {
    auto it = offers_.find(id);
    if (it == offers_.end()) continue;
    // Even another framework's offer is discarded, and its owner is not told (as the master).
    used_ids.push_back(id);
    if (it->second.framework_id != fw.id) continue;
    agent = it->second.agent;
    role = it->second.role;
    available += it->second.resources;
  }
  std::sort(used_ids.begin(), used_ids.end());
  used_ids.erase(std::unique(used_ids.begin(), used_ids.end()), used_ids.end());
  for (const auto& id : used_ids) remove_offer(id, false);
  if (!error.empty()) {
    // Every task gets a master-generated TASK_DROPPED/TASK_LOST without uuid; the resources
    // of the offers go back without a filter.
    TaskState state = fw.info.partition_aware ? TaskState::DROPPED : TaskState::LOST;
    for (const auto& op : call.operations) {
      for (const auto& task : op.tasks) {
        master_update(fw, task.task_id, task.agent_id, state, "REASON_INVALID_OFFERS",
                      "Task launched with invalid offers: " + error);
      }
    }
    return;
  }
  reject_operation_ids(fw, call, agent);
  for (const auto& op : call.operations) launch_tasks(fw, op, agent, role, &available, now);
  add_filter(fw, agent, available, call.refuse_seconds, now);
}

void Master::decline(Framework&, const Call& call, Millis now) {
  // Offer by offer, unknown ids skipped (B.7). Like the master, it does not check the owner:
  // another framework's offer is declined on its behalf (its filter), and that framework is not
  // told.
  for (const auto& id : call.offer_ids) {
    auto it = offers_.find(id);
    if (it == offers_.end()) continue;
    auto owner = frameworks_.find(it->second.framework_id);
    int agent = it->second.agent;
    Resources refused = it->second.resources;
    remove_offer(id, false);
    if (owner != frameworks_.end())
      add_filter(owner->second, agent, refused, call.refuse_seconds, now);
  }
}

void Master::suppress(Framework& fw, const std::vector<std::string>& roles) {
  for (const auto& role : roles.empty() ? fw.info.roles : roles) fw.suppressed_roles.insert(role);
}

void Master::revive(Framework& fw, const std::vector<std::string>& roles) {
  for (const auto& role : roles.empty() ? fw.info.roles : roles) fw.suppressed_roles.erase(role);
  // Filters are kept per agent, not per role: reviving any role clears them all.
  fw.filters.clear();
  // The allocator runs at once after a REVIVE, not at its next interval.
  next_allocation_ = 0;
}

}  // namespace mesos_sim
