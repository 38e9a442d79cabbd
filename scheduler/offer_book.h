#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "scheduler/mesos/mesos_event.h"
#include "scheduler/queue/matcher.h"

namespace scale::scheduler {

// The offers the leader holds right now, grouped by agent. Offers die with the subscription
// (clear() on disconnect), when Mesos rescinds them, or when the leader uses or declines them.
class OfferBook {
 public:
  using Clock = std::chrono::steady_clock;

  // All offers of one agent, taken together for one ACCEPT or DECLINE.
  struct AgentOffers {
    std::string agent_id;
    std::string hostname;
    std::string allocation_role;  // echoed back in the LAUNCH resources (MULTI_ROLE)
    std::vector<std::string> offer_ids;
    queue::Resources available;
  };

  void add(const std::vector<mesos::Offer>& offers, Clock::time_point now);
  bool rescind(const std::string& offer_id);
  void clear();

  // What each agent offers, for the matcher (paused and total are the caller's to fill).
  std::vector<queue::AgentOffer> available() const;
  // Removes and returns every offer of the agent; nullopt when it has none.
  std::optional<AgentOffers> take(const std::string& agent_id);
  // Removes and returns every offer of every agent.
  std::vector<AgentOffers> take_all();
  // Removes and returns the agents whose oldest offer arrived before `cutoff` (held too long:
  // other frameworks could use them).
  std::vector<AgentOffers> take_older_than(Clock::time_point cutoff);

  size_t offers() const { return agent_of_offer_.size(); }
  size_t agents() const { return by_agent_.size(); }

  // The four scalar resources Scale schedules on, summed over the offer's SCALAR resources.
  static queue::Resources scalar_resources(const mesos::Offer& offer);

 private:
  struct Held {
    AgentOffers offers;
    Clock::time_point oldest;
  };
  std::map<std::string, Held> by_agent_;  // ordered: deterministic ACCEPT order and tests
  std::unordered_map<std::string, std::string> agent_of_offer_;
};

}  // namespace scale::scheduler
