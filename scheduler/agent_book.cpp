#include "scheduler/agent_book.h"

#include <map>

namespace scale::scheduler {

void AgentBook::load(const std::vector<db::AgentRecord>& agents) {
  for (const auto& agent : agents) agents_[agent.agent_id] = agent;
  totals_dirty_ = true;
}

void AgentBook::note_offer(const mesos::Offer& offer) {
  auto [it, inserted] = agents_.try_emplace(offer.agent_id);
  db::AgentRecord& agent = it->second;
  // Offers hold free resources only: the largest seen approximates the agent's total.
  const db::Resources total =
      db::component_max(agent.resources, OfferBook::scalar_resources(offer));
  const bool changed =
      inserted || !agent.is_active || total != agent.resources || agent.hostname != offer.hostname;
  agent.agent_id = offer.agent_id;
  agent.hostname = offer.hostname;
  agent.is_active = true;
  agent.resources = total;
  // Written only when something changed: an unchanged agent costs no write per offer.
  if (changed) {
    to_write_.push_back({offer.agent_id, offer.hostname, total});
    totals_dirty_ = true;
  }
}

void AgentBook::remove(const std::string& agent_id) {
  const auto found = agents_.find(agent_id);
  if (found == agents_.end() || !found->second.is_active) return;
  found->second.is_active = false;
  gone_.push_back(agent_id);
  totals_dirty_ = true;
}

void AgentBook::merge_stored(const std::vector<db::AgentRecord>& records) {
  for (const auto& record : records) {
    auto [it, inserted] = agents_.try_emplace(record.agent_id, record);
    if (inserted) continue;
    auto& agent = it->second;
    agent.node_id = record.node_id;
    agent.agent_id = record.agent_id;
    agent.is_paused = record.is_paused;
    agent.pause_reason = record.pause_reason;
    if (agent.hostname.empty()) agent.hostname = record.hostname;
  }
}

std::vector<queue::AgentOffer> AgentBook::for_matcher(const OfferBook& offers) const {
  std::map<std::string, queue::Resources> offered;
  for (const auto& agent : offers.available()) offered[agent.agent_id] = agent.available;
  std::vector<queue::AgentOffer> out;
  out.reserve(agents_.size());
  for (const auto& [agent_id, record] : agents_) {
    if (!record.is_active) continue;
    const auto found = offered.find(agent_id);
    out.push_back({agent_id, found == offered.end() ? queue::Resources{} : found->second,
                   record.resources, record.is_paused});
  }
  return out;
}

std::vector<AgentView> AgentBook::views(const OfferBook& offers, const LiveTasks& tasks) const {
  std::map<std::string, AgentView> views;
  for (const auto& [agent_id, record] : agents_) views[agent_id].record = record;
  for (const auto& offer : offers.available()) views[offer.agent_id].offered = offer.available;
  for (const auto& [task_id, task] : tasks.all()) {
    auto& view = views[task.agent_id];
    view.running += task.resources;
    ++view.running_tasks;
  }
  std::vector<AgentView> out;
  for (auto& [agent_id, view] : views) {
    view.record.agent_id = agent_id;
    out.push_back(std::move(view));
  }
  return out;
}

void AgentBook::take_writes(TurnWrites& writes) {
  writes.agents = std::move(to_write_);
  writes.agents_gone = std::move(gone_);
  if (totals_dirty_) writes.cluster_totals = active_totals();
  to_write_.clear();
  gone_.clear();
  totals_dirty_ = false;
}

void AgentBook::restore(const TurnWrites& writes) {
  to_write_.insert(to_write_.end(), writes.agents.begin(), writes.agents.end());
  gone_.insert(gone_.end(), writes.agents_gone.begin(), writes.agents_gone.end());
  if (writes.cluster_totals) totals_dirty_ = true;
}

db::Resources AgentBook::active_totals() const {
  db::Resources sum;
  for (const auto& [agent_id, agent] : agents_) {
    if (agent.is_active) sum += agent.resources;
  }
  return sum;
}

}  // namespace scale::scheduler
