#include "scheduler/update_batch.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <sstream>

namespace scale::scheduler {

void UpdateBatch::add(mesos::TaskStatus status) {
  updates_.push_back(to_update(status));
  statuses_.push_back(std::move(status));
  arrived_.push_back(std::chrono::steady_clock::now());
}

void UpdateBatch::add_lost(const Reconciler::Task& task) {
  mesos::TaskStatus lost;
  lost.task_id = task.task_id;
  lost.agent_id = task.agent_id;
  lost.state = "TASK_LOST";
  lost.source = "SOURCE_SCHEDULER";
  lost.reason = "REASON_RECONCILIATION";
  lost.message = "unknown to the Mesos master (its agent never re-registered)";
  add(std::move(lost));
}

void UpdateBatch::add_unreachable_expired(const Reconciler::Task& task, double timeout_s) {
  mesos::TaskStatus lost;
  lost.task_id = task.task_id;
  lost.agent_id = task.agent_id;
  lost.state = "TASK_LOST";
  lost.source = "SOURCE_SCHEDULER";
  lost.reason = kUnreachableTimeout;
  std::ostringstream message;
  message << "agent unreachable for longer than --unreachable_timeout_s (" << timeout_s << " s)";
  lost.message = message.str();
  add(std::move(lost));
}

std::vector<db::TaskStatusUpdate> UpdateBatch::take_updates() {
  const size_t n = std::min(updates_.size(), kPerCommit);
  std::vector<db::TaskStatusUpdate> out(std::make_move_iterator(updates_.begin()),
                                        std::make_move_iterator(updates_.begin() + n));
  updates_.erase(updates_.begin(), updates_.begin() + n);
  taken_ += n;
  return out;
}

void UpdateBatch::committed() {
  statuses_.erase(statuses_.begin(), statuses_.begin() + static_cast<long>(taken_));
  arrived_.erase(arrived_.begin(), arrived_.begin() + static_cast<long>(taken_));
  taken_ = 0;
}

db::TaskStatusUpdate UpdateBatch::to_update(const mesos::TaskStatus& status) {
  auto optional = [](const std::string& text) {
    return text.empty() ? std::nullopt : std::optional<std::string>(text);
  };
  db::TaskStatusUpdate update;
  update.task_id = status.task_id;
  update.state = status.state;
  update.reason = optional(status.reason);
  update.source = optional(status.source);
  update.message = optional(status.message);
  update.uuid = status.uuid;
  update.agent_id = optional(status.agent_id);
  update.timestamp = status.timestamp;
  update.unreachable_time = status.unreachable_time;
  return update;
}

}  // namespace scale::scheduler
