#include "scheduler/live_tasks.h"

namespace scale::scheduler {

void LiveTasks::add_launched(const std::string& task_id, LiveTask task) {
  const auto old = tasks_.find(task_id);
  if (old == tasks_.end() || old->second.heard_from) ++unheard_;
  task.heard_from = false;
  tasks_.insert_or_assign(task_id, std::move(task));
}

bool LiveTasks::add_if_new(const std::string& task_id, long long job_id,
                           const std::string& agent_id) {
  return tasks_.try_emplace(task_id, LiveTask{job_id, agent_id, {}, {}, true}).second;
}

bool LiveTasks::is_stored_redelivery(const mesos::TaskStatus& status) const {
  if (!status.uuid) return false;
  if (const auto live = tasks_.find(status.task_id); live != tasks_.end())
    return live->second.stored_uuid == *status.uuid;
  const auto ended = ended_uuids_.find(status.task_id);
  return ended != ended_uuids_.end() && ended->second == *status.uuid;
}

void LiveTasks::on_committed(const mesos::TaskStatus& status) {
  const auto live = tasks_.find(status.task_id);
  if (live != tasks_.end() && !live->second.heard_from) {
    live->second.heard_from = true;
    --unheard_;
  }
  if (mesos::is_terminal_task_state(status.state)) {
    if (live != tasks_.end()) tasks_.erase(live);
    if (status.uuid) remember_ended(status.task_id, *status.uuid);
    return;
  }
  if (status.uuid && live != tasks_.end()) live->second.stored_uuid = *status.uuid;
}

void LiveTasks::remember_ended(const std::string& task_id, const std::string& uuid) {
  auto [it, added] = ended_uuids_.try_emplace(task_id, uuid);
  if (!added) {
    it->second = uuid;
    return;
  }
  ended_order_.push_back(task_id);
  if (ended_order_.size() <= kEndedRemembered) return;
  ended_uuids_.erase(ended_order_.front());
  ended_order_.pop_front();
}

std::vector<Reconciler::Task> LiveTasks::to_reconcile() const {
  std::vector<Reconciler::Task> out;
  out.reserve(tasks_.size());
  for (const auto& [task_id, task] : tasks_) out.push_back({task_id, task.agent_id});
  return out;
}

}  // namespace scale::scheduler
