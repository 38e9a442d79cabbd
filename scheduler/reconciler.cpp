#include "scheduler/reconciler.h"

#include <algorithm>

namespace scale::scheduler {

Reconciler::Reconciler(Options options) : options_(options) {}

void Reconciler::start(std::vector<Task> tasks, Clock::time_point now) {
  started_ = true;
  implicit_sent_ = false;
  pending_.clear();
  for (auto& task : tasks) pending_[std::move(task.task_id)] = std::move(task.agent_id);
  next_explicit_ = now;
  retry_ = options_.first_retry;
  next_implicit_ = now;
}

void Reconciler::answered(const std::string& task_id) {
  pending_.erase(task_id);
}

Reconciler::Due Reconciler::poll(Clock::time_point now) {
  Due due;
  if (!started_) return due;
  if (!pending_.empty()) {
    if (now < next_explicit_) return due;
    due.explicit_tasks.reserve(pending_.size());
    for (const auto& [task_id, agent_id] : pending_)
      due.explicit_tasks.push_back({task_id, agent_id});
    // Sorted so a batch is deterministic (logs, tests); the master does not care about order.
    std::sort(due.explicit_tasks.begin(), due.explicit_tasks.end(),
              [](const Task& a, const Task& b) { return a.task_id < b.task_id; });
    next_explicit_ = now + retry_;
    retry_ = std::min(retry_ * 2, options_.max_retry);
    return due;
  }
  if (now >= next_implicit_) {
    due.implicit = true;
    implicit_sent_ = true;
    next_implicit_ = now + options_.implicit_interval;
  }
  return due;
}

std::optional<Reconciler::Clock::time_point> Reconciler::next_due() const {
  if (!started_) return std::nullopt;
  return pending_.empty() ? next_implicit_ : next_explicit_;
}

}  // namespace scale::scheduler
