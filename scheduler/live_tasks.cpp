#include "scheduler/live_tasks.h"

namespace scale::scheduler {

bool LiveTasks::add_if_new(const std::string& task_id, long long job_id,
                           const std::string& agent_id) {
  return tasks_.try_emplace(task_id, LiveTask{job_id, agent_id, {}, {}}).second;
}

bool LiveTasks::is_stored_redelivery(const mesos::TaskStatus& status) const {
  if (!status.uuid) return false;
  const auto live = tasks_.find(status.task_id);
  return live != tasks_.end() && live->second.stored_uuid == *status.uuid;
}

void LiveTasks::on_committed(const mesos::TaskStatus& status) {
  if (mesos::is_terminal_task_state(status.state)) {
    tasks_.erase(status.task_id);
    return;
  }
  const auto live = tasks_.find(status.task_id);
  if (status.uuid && live != tasks_.end()) live->second.stored_uuid = *status.uuid;
}

std::vector<Reconciler::Task> LiveTasks::to_reconcile() const {
  std::vector<Reconciler::Task> out;
  out.reserve(tasks_.size());
  for (const auto& [task_id, task] : tasks_) out.push_back({task_id, task.agent_id});
  return out;
}

}  // namespace scale::scheduler
