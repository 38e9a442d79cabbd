// Task reconciliation (spec A.10): implicit replies for every task the master knows; explicit
// replies per the master's decision table. Replies carry no uuid and REASON_RECONCILIATION.

#include "master.h"

namespace mesos_sim {
namespace {

constexpr const char* kReason = "REASON_RECONCILIATION";
constexpr const char* kMessage = "Reconciliation: Latest task state";

}  // namespace

bool Master::any_agent_recovering() const {
  return recovering_agents_ > 0;
}

void Master::reconcile(Framework& fw, const Call& call) {
  if (!call.reconcile_tasks.empty()) {
    for (const auto& task : call.reconcile_tasks) reconcile_one(fw, task);
    return;
  }
  auto tasks = tasks_.find(fw.id);
  if (tasks == tasks_.end()) return;
  // Implicit: every task the master knows, i.e. on a registered agent (terminal ones included
  // while their last update is unacknowledged).
  for (const auto& [id, task] : tasks->second) {
    const Agent& agent = agents_[task.agent];
    if (agent.state != AgentState::REGISTERED) continue;
    master_update(fw, id, agent.id, task.state, kReason, kMessage);
  }
}

void Master::reconcile_one(Framework& fw, const ReconcileTask& request) {
  const bool aware = fw.info.partition_aware;
  const std::string agent_id = request.agent_id.value_or("");
  if (const Task* task = find_task(fw.id, request.task_id);
      task && agents_[task->agent].state == AgentState::REGISTERED) {
    master_update(fw, request.task_id, agents_[task->agent].id, task->state, kReason, kMessage);
    return;
  }
  int agent = request.agent_id ? agent_index(agent_id) : -1;
  AgentState state = agent >= 0 ? agents_[agent].state : AgentState::REMOVED;
  if (!request.agent_id && any_agent_recovering()) return;  // retry later
  if (agent >= 0 && state == AgentState::RECOVERING) return;
  TaskState reply = TaskState::UNKNOWN;
  std::string message = "Reconciliation: Task is unknown";
  double unreachable_time = -1;
  if (agent >= 0 && state == AgentState::REGISTERED) {
    reply = TaskState::GONE;
    message = "Reconciliation: Task is unknown to the agent";
  } else if (agent >= 0 && state == AgentState::UNREACHABLE) {
    reply = TaskState::UNREACHABLE;
    message = "Reconciliation: Task is unreachable";
    unreachable_time = agents_[agent].unreachable_time;
  } else if (agent >= 0 && state == AgentState::GONE) {
    reply = TaskState::GONE_BY_OPERATOR;
    message = "Reconciliation: Task is gone";
  }
  master_update(fw, request.task_id, agent_id, aware ? reply : TaskState::LOST, kReason, message,
                unreachable_time);
}

}  // namespace mesos_sim
