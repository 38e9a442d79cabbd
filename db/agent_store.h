#pragma once

#include <string>
#include <vector>

#include "db/connection.h"
#include "db/resources.h"

// What the leader records about Mesos agents: table `node` (all but the user's pause columns) and
// table `cluster_resources`. Every call is one statement in Fence::join_or_run(epoch), like
// ExecutionStore: FencedOut once a newer term holds the fence.
namespace scale::db {

// An agent as its latest offer describes it.
struct AgentSeen {
  std::string agent_id;
  std::string hostname;
  Resources total;  // the agent's total resources, not what one offer holds
};

class AgentStore {
 public:
  // Inserts unknown agents (active, not paused) and refreshes known ones: hostname, resources,
  // last_offer_at = now(), is_active = true, epoch. Never touches is_paused or pause_reason: those
  // are the user's. An agent listed twice is written once (its last entry). Returns the node ids,
  // in input order.
  static std::vector<long long> upsert_agents(Connection& conn, long long epoch,
                                              const std::vector<AgentSeen>& agents);

  // Agents gone from the cluster (AGENT_REMOVED, unreachable): is_active = false. Unknown ids are
  // ignored. Returns how many nodes changed.
  static long long mark_agents_inactive(Connection& conn, long long epoch,
                                        const std::vector<std::string>& agent_ids);

  // The total resources of the active agents (the single cluster_resources row).
  static void set_cluster_resources(Connection& conn, long long epoch, const Resources& totals);
};

}  // namespace scale::db
