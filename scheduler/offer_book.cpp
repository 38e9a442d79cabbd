#include "scheduler/offer_book.h"

#include <algorithm>

namespace scale::scheduler {

queue::Resources OfferBook::scalar_resources(const mesos::Offer& offer) {
  queue::Resources sum;
  for (const auto& resource : offer.resources) {
    if (resource.type != "SCALAR") continue;
    if (resource.name == "cpus") sum.cpus += resource.scalar;
    if (resource.name == "mem") sum.mem += resource.scalar;
    if (resource.name == "disk") sum.disk += resource.scalar;
    if (resource.name == "gpus") sum.gpus += resource.scalar;
  }
  return sum;
}

void OfferBook::add(const std::vector<mesos::Offer>& offers, Clock::time_point now) {
  for (const auto& offer : offers) {
    if (agent_of_offer_.count(offer.id) != 0) continue;  // a duplicate delivery adds nothing
    auto [it, inserted] = by_agent_.try_emplace(offer.agent_id);
    Held& held = it->second;
    if (inserted) {
      held.offers.agent_id = offer.agent_id;
      held.oldest = now;
    }
    held.offers.hostname = offer.hostname;
    held.offers.allocation_role = offer.allocation_role;
    held.offers.offer_ids.push_back(offer.id);
    held.offers.available += scalar_resources(offer);
    agent_of_offer_[offer.id] = offer.agent_id;
  }
}

bool OfferBook::rescind(const std::string& offer_id) {
  const auto found = agent_of_offer_.find(offer_id);
  if (found == agent_of_offer_.end()) return false;
  // The agent's other offers stay usable, but how much the rescinded one held is not recorded
  // per offer; dropping the agent's whole set is the safe choice (Mesos re-offers the rest).
  const std::string agent_id = found->second;
  take(agent_id);
  return true;
}

void OfferBook::clear() {
  by_agent_.clear();
  agent_of_offer_.clear();
}

std::vector<queue::AgentOffer> OfferBook::available() const {
  std::vector<queue::AgentOffer> result;
  result.reserve(by_agent_.size());
  for (const auto& [agent_id, held] : by_agent_) {
    result.push_back({agent_id, held.offers.available, {}, false});
  }
  return result;
}

std::optional<OfferBook::AgentOffers> OfferBook::take(const std::string& agent_id) {
  auto it = by_agent_.find(agent_id);
  if (it == by_agent_.end()) return std::nullopt;
  AgentOffers taken = std::move(it->second.offers);
  by_agent_.erase(it);
  for (const auto& id : taken.offer_ids) agent_of_offer_.erase(id);
  return taken;
}

std::vector<OfferBook::AgentOffers> OfferBook::take_all() {
  std::vector<AgentOffers> all;
  all.reserve(by_agent_.size());
  for (auto& [agent_id, held] : by_agent_) all.push_back(std::move(held.offers));
  clear();
  return all;
}

std::vector<OfferBook::AgentOffers> OfferBook::take_older_than(Clock::time_point cutoff) {
  std::vector<std::string> stale;
  for (const auto& [agent_id, held] : by_agent_) {
    if (held.oldest < cutoff) stale.push_back(agent_id);
  }
  std::vector<AgentOffers> taken;
  taken.reserve(stale.size());
  for (const auto& agent_id : stale) taken.push_back(*take(agent_id));
  return taken;
}

}  // namespace scale::scheduler
