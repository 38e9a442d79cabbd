// Fault injection behind /sim/: heartbeat loss, dropped streams, master failover with agents
// re-registering over a window, agent removal, an unreachable agent coming back, offer
// rescission.

#include <vector>

#include "master.h"

namespace mesos_sim {

void Master::set_heartbeats(const std::string& framework_id, bool enabled) {
  for (auto& [id, fw] : frameworks_) {
    if (framework_id.empty() || framework_id == id) fw.heartbeats = enabled;
  }
}

void Master::close_streams(const std::string& framework_id, Millis now) {
  for (auto& [id, fw] : frameworks_) {
    if (!fw.connected || (!framework_id.empty() && framework_id != id)) continue;
    sink_.close(fw.stream_id);
    disconnect(fw, now);  // as when the master sees the connection drop
  }
}

void Master::failover(Millis min_ms, Millis window_ms, Millis now) {
  // A new leading master: no frameworks, offers or completed frameworks; the old connections
  // die with the old process; agents re-register (with their tasks) over the window.
  for (auto& [id, fw] : frameworks_) {
    if (fw.connected) sink_.close(fw.stream_id);
  }
  frameworks_.clear();
  offers_.clear();
  removed_frameworks_.clear();
  stream_owner_.clear();
  info_.id = random_uuid_string();
  std::uniform_int_distribution<Millis> delay(std::max<Millis>(min_ms, 0),
                                              std::max<Millis>(window_ms, 0));
  for (auto& agent : agents_) {
    agent.offer_id.clear();
    if (agent.state != AgentState::REGISTERED) continue;
    agent.state = AgentState::RECOVERING;
    agent.reregister_at = now + delay(rng_);
    ++recovering_agents_;
  }
}

void Master::reregister_agents(Millis now) {
  for (auto& agent : agents_) {
    if (agent.state != AgentState::RECOVERING || agent.reregister_at > now) continue;
    agent.state = AgentState::REGISTERED;
    next_allocation_ = 0;  // an agent (re-)added is offered at once
    --recovering_agents_;
    for (uint64_t serial : agent.tasks) {
      Task* task = task_by_serial_.at(serial);
      // The agent brings back frameworks the new master did not know (disconnected until they
      // re-SUBSCRIBE; no failover timer: MESOS-4659).
      if (!frameworks_.count(task->framework_id)) recover_framework(task->framework_id);
      deliver_head(*task, now);
    }
  }
}

namespace {

// What the master tells a framework about a task on an agent that went away (B.4).
struct Removal {
  TaskState aware, legacy;
  const char* reason;
  std::string message;
};

Removal removal_of(AgentState how, const Agent& agent) {
  switch (how) {
    case AgentState::UNREACHABLE:  // health checks failed
      return {TaskState::UNREACHABLE, TaskState::LOST, "REASON_AGENT_REMOVED",
              "health check timed out"};
    case AgentState::GONE:  // MARK_AGENT_GONE
      return {TaskState::GONE_BY_OPERATOR, TaskState::LOST, "REASON_AGENT_REMOVED_BY_OPERATOR",
              "Agent has been marked gone"};
    default:  // unregistered cleanly: TASK_LOST for partition-aware frameworks too
      return {TaskState::LOST, TaskState::LOST, "REASON_AGENT_REMOVED",
              "Agent " + agent.hostname + " removed: the agent unregistered"};
  }
}

}  // namespace

bool Master::remove_agent(const std::string& agent_id, AgentState how) {
  int index = agent_index(agent_id);
  if (index < 0 || agents_[index].state != AgentState::REGISTERED) return false;
  Agent& agent = agents_[index];
  if (!agent.offer_id.empty()) remove_offer(agent.offer_id, true);
  agent.state = how;
  if (how == AgentState::UNREACHABLE) agent.unreachable_time = wall_seconds();
  const Removal removal = removal_of(how, agent);
  std::vector<uint64_t> serials(agent.tasks.begin(), agent.tasks.end());
  for (uint64_t serial : serials) {
    Task* task = task_by_serial_.at(serial);
    const std::string task_id = task->task_id;
    auto fw = frameworks_.find(task->framework_id);
    if (fw != frameworks_.end() && !is_terminal(task->state)) {
      bool aware = fw->second.info.partition_aware;
      // Without PARTITION_AWARE a gone agent's tasks are plain REASON_AGENT_REMOVED losses.
      const char* reason = aware ? removal.reason : "REASON_AGENT_REMOVED";
      master_update(fw->second, task_id, agent.id, aware ? removal.aware : removal.legacy, reason,
                    removal.message, agent.unreachable_time);
    }
    // An unreachable agent keeps running its tasks; it may come back (restore_agent).
    if (how != AgentState::UNREACHABLE) erase_task(*task);
  }
  if (how != AgentState::UNREACHABLE) agent.used = Resources{};
  for (auto& [id, fw] : frameworks_) send(fw, failure_event(agent.id));
  return true;
}

bool Master::restore_agent(const std::string& agent_id, Millis now) {
  int index = agent_index(agent_id);
  if (index < 0 || agents_[index].state != AgentState::UNREACHABLE) return false;
  Agent& agent = agents_[index];
  agent.state = AgentState::REGISTERED;
  agent.unreachable_time = -1;
  next_allocation_ = 0;  // its resources are offered at once
  // Master::__reregisterSlave: every task is re-added, none is killed, and its framework is told
  // the task's current state (the master's own typo included). Then the agent resends the
  // updates it still holds.
  for (uint64_t serial : agent.tasks) {
    Task* task = task_by_serial_.at(serial);
    if (!frameworks_.count(task->framework_id)) recover_framework(task->framework_id);
    master_update(frameworks_.at(task->framework_id), task->task_id, agent.id, task->state,
                  "REASON_AGENT_REREGISTERED", "Unreachable agent re-reregistered");
    deliver_head(*task, now);
  }
  return true;
}

}  // namespace mesos_sim
