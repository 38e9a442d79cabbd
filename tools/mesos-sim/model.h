#pragma once

// The emulated master's state: agents, offers, frameworks and tasks. Plain data; the rules that
// change it live in Master (master.h) and its per-topic source files.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "call.h"
#include "config.h"

namespace mesos_sim {

using Millis = int64_t;  // monotonic milliseconds

enum class TaskState {
  STAGING,
  STARTING,
  RUNNING,
  KILLING,
  FINISHED,
  FAILED,
  KILLED,
  ERROR,
  LOST,
  DROPPED,
  UNREACHABLE,
  GONE,
  GONE_BY_OPERATOR,
  UNKNOWN,
};
const char* task_state_name(TaskState state);
// protobuf::isTerminalState: FINISHED, FAILED, KILLED, LOST, ERROR, DROPPED, GONE,
// GONE_BY_OPERATOR.
bool is_terminal(TaskState state);

// One update of a task's reliable stream (agent-generated: always carries a uuid).
struct StatusUpdate {
  TaskState state = TaskState::STAGING;
  std::string uuid;  // 16 raw bytes
  double timestamp = 0;
  std::string message;
  std::string reason;                      // REASON_* or empty
  const char* source = "SOURCE_EXECUTOR";  // SOURCE_AGENT for a failed container launch
};

struct Task {
  std::string framework_id, task_id;
  uint64_t serial = 0;  // what timers refer to (cheaper than the two strings)
  int agent = 0;
  Resources resources;
  TaskState state = TaskState::STAGING;  // latest state at the agent (StatusUpdate.latest_state)
  // The update stream; front = unacknowledged head. A vector, not a deque: it holds one to three
  // updates, and an empty std::deque already allocates ~600 bytes per task.
  std::vector<StatusUpdate> pending;
  double retry_s = 0;            // current redelivery backoff of the head
  uint64_t head_generation = 0;  // invalidates stale redelivery timers
  // The simulated command executor (executor.cpp).
  std::string image;               // container image, checked against --bad_images
  bool ignores_sigterm = false;    // survives SIGTERM until the grace period ends
  std::optional<double> grace_ns;  // TaskInfo.kill_policy.grace_period
  Millis kill_started = -1;        // first KILL of a task that ignores SIGTERM
  Millis kill_at = 0;              // when SIGKILL follows
  uint64_t kill_generation = 0;    // invalidates a SIGKILL timer that was brought forward
};

enum class AgentState { REGISTERED, RECOVERING, UNREACHABLE, GONE, REMOVED };
const char* agent_state_name(AgentState state);

struct Agent {
  std::string id, hostname;
  Resources total, used;
  AgentState state = AgentState::REGISTERED;
  Millis reregister_at = 0;            // while RECOVERING
  double unreachable_time = -1;        // wall seconds it became UNREACHABLE
  std::string offer_id;                // the one outstanding offer of this agent, or empty
  std::unordered_set<uint64_t> tasks;  // Task::serial of the tasks it runs
};

struct Offer {
  std::string id, framework_id, role;
  int agent = 0;
  Resources resources;
};

// A refuse filter: offers of this agent whose resources fit in `refused` are not made until
// `until` (the allocator's RefusedOfferFilter).
struct Filter {
  Resources refused;
  Millis until = 0;
};

struct Framework {
  std::string id;
  FrameworkInfo info;
  bool connected = false;
  std::string stream_id;            // current subscription; empty when disconnected
  std::optional<Millis> remove_at;  // failover_timeout timer while disconnected
  bool heartbeats = true;           // fault switch
  Millis next_heartbeat = 0;
  uint64_t subscriptions = 0;
  std::unordered_set<std::string> suppressed_roles;
  std::unordered_map<int, Filter> filters;  // by agent index
  std::unordered_set<std::string> offers;
};

inline std::string task_key(const std::string& framework_id, const std::string& task_id) {
  return framework_id + '\n' + task_id;
}

}  // namespace mesos_sim
