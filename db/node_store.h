#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/resources.h"

namespace scale::db {

inline constexpr size_t kMaxPauseReasonLength = 1024;

// A row of table `node`: a Mesos agent the leader has seen.
struct Node {
  long long id = 0;
  std::string agent_id;
  std::string hostname;
  bool is_active = true;
  bool is_paused = false;
  std::optional<std::string> pause_reason;  // NULL while not paused
  Resources resources;                      // the agent's total
  std::optional<std::string> last_offer_at;
  std::string created_at;  // ISO-8601 UTC
  std::string last_modified;
  std::optional<long long> epoch;
};

// A user's change to a node. Unpausing clears the reason; a reason alone updates it.
struct NodePatch {
  std::optional<bool> is_paused;
  std::optional<std::string> pause_reason;
  bool empty() const { return !is_paused && !pause_reason; }
};

struct NodePage {
  long long count = 0;
  std::vector<Node> nodes;
};

// Table `node`. Pausing is a user intent any replica may write (the trigger of migration 002
// NOTIFYs `scale_nodes` with the node id); the leader owns every other column.
class NodeStore {
 public:
  // Ordered by id (the order the leader first saw the agents). page from 1.
  static NodePage list(Connection& conn, long long page, int page_size);
  static std::optional<Node> get(Connection& conn, long long id);
  // The node after the change, or nullopt when there is no node `id`.
  static std::optional<Node> patch(Connection& conn, long long id, const NodePatch& patch);
};

}  // namespace scale::db
