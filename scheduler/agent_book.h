#pragma once

// The agents the leader knows this term, merged from three sources: the database (node ids and
// the users' pause flags), offers (hostname and the largest resources seen) and FAILURE events
// (an agent removed). Collects what the next turn's commit must write about them.

#include <string>
#include <unordered_map>
#include <vector>

#include "db/leader_state_loader.h"
#include "scheduler/leader_persistence.h"
#include "scheduler/live_tasks.h"
#include "scheduler/offer_book.h"
#include "scheduler/queue/matcher.h"

namespace scale::scheduler {

// One agent as the status document shows it.
struct AgentView {
  db::AgentRecord record;
  size_t offers = 0;
  queue::Resources offered;
  queue::Resources running;  // resources of the live tasks the leader launched there
  size_t running_tasks = 0;
};

class AgentBook {
 public:
  // Promotion: the agents as stored; cluster_resources is rewritten from this term's view.
  void load(const std::vector<db::AgentRecord>& agents);
  void note_offer(const mesos::Offer& offer);
  // An agent removed from the cluster gets no placements until it offers again.
  void remove(const std::string& agent_id);
  // The rows reread after a NOTIFY on nodes: their ids and pause flags win, not their resources.
  void merge_stored(const std::vector<db::AgentRecord>& records);

  // Every active agent with what it offers now, for the matcher.
  std::vector<queue::AgentOffer> for_matcher(const OfferBook& offers) const;
  std::vector<AgentView> views(const OfferBook& offers, const LiveTasks& tasks) const;

  // Moves what is to be written into `writes`; restore() puts it back after a failed commit.
  void take_writes(TurnWrites& writes);
  void restore(const TurnWrites& writes);

 private:
  db::Resources active_totals() const;

  std::unordered_map<std::string, db::AgentRecord> agents_;  // by agent id
  std::vector<db::AgentSeen> to_write_;
  std::vector<std::string> gone_;
  bool totals_dirty_ = false;  // cluster_resources to be rewritten
};

}  // namespace scale::scheduler
