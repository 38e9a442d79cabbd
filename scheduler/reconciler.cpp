#include "scheduler/reconciler.h"

#include <algorithm>

namespace scale::scheduler {

Reconciler::Reconciler(Options options) : options_(options) {}

void Reconciler::start(std::vector<Task> tasks, Clock::time_point now) {
  started_ = true;
  implicit_sent_ = false;
  pending_.clear();
  unsettled_.clear();
  for (auto& task : tasks) pending_[std::move(task.task_id)] = std::move(task.agent_id);
  next_explicit_ = now;
  retry_ = options_.first_retry;
  next_implicit_ = now;
}

Reconciler::Answer Reconciler::answer_of(const std::string& mesos_state) {
  if (mesos_state == "TASK_UNKNOWN") return Answer::Unknown;
  if (mesos_state == "TASK_UNREACHABLE") return Answer::Unreachable;
  return Answer::Settled;
}

void Reconciler::answered(const std::string& task_id, Answer answer, const std::string& agent_id,
                          Clock::time_point now) {
  const auto asked = pending_.find(task_id);
  std::string agent = agent_id;
  if (asked != pending_.end()) {
    if (agent.empty()) agent = asked->second;
    pending_.erase(asked);
  }
  if (answer == Answer::Settled) {
    unsettled_.erase(task_id);
    return;
  }
  if (unsettled_.empty()) {
    next_unsettled_ = now + options_.first_retry;
    unsettled_retry_ = options_.first_retry;
  }
  auto [it, inserted] = unsettled_.try_emplace(task_id, Unsettled{agent, answer, now});
  if (inserted) return;
  if (!agent.empty()) it->second.agent_id = agent;
  // Unknown for a while only if unknown every time since.
  if (answer == Answer::Unknown && it->second.answer != Answer::Unknown)
    it->second.unknown_since = now;
  it->second.answer = answer;
}

std::vector<Reconciler::Task> Reconciler::take_given_up(Clock::time_point now) {
  std::vector<Task> given_up;
  for (auto it = unsettled_.begin(); it != unsettled_.end();) {
    if (it->second.answer != Answer::Unknown ||
        now - it->second.unknown_since < options_.unknown_timeout) {
      ++it;
      continue;
    }
    given_up.push_back({it->first, it->second.agent_id});
    it = unsettled_.erase(it);
  }
  std::sort(given_up.begin(), given_up.end(),
            [](const Task& a, const Task& b) { return a.task_id < b.task_id; });
  return given_up;
}

namespace {

// Sorted so a batch is deterministic (logs, tests); the master does not care about order.
template <typename Map, typename AgentOf>
void add_sorted(const Map& tasks, AgentOf agent_of, std::vector<Reconciler::Task>* out) {
  const size_t first = out->size();
  for (const auto& [task_id, entry] : tasks) out->push_back({task_id, agent_of(entry)});
  std::sort(
      out->begin() + static_cast<long>(first), out->end(),
      [](const Reconciler::Task& a, const Reconciler::Task& b) { return a.task_id < b.task_id; });
}

}  // namespace

Reconciler::Due Reconciler::poll(Clock::time_point now) {
  Due due;
  if (!started_) return due;
  if (!unsettled_.empty() && now >= next_unsettled_) {
    add_sorted(
        unsettled_, [](const Unsettled& u) { return u.agent_id; }, &due.explicit_tasks);
    next_unsettled_ = now + unsettled_retry_;
    unsettled_retry_ = std::min(unsettled_retry_ * 2, options_.max_retry);
  }
  if (!pending_.empty()) {
    if (now < next_explicit_) return due;
    add_sorted(
        pending_, [](const std::string& agent_id) { return agent_id; }, &due.explicit_tasks);
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
  Clock::time_point due = pending_.empty() ? next_implicit_ : next_explicit_;
  if (!unsettled_.empty()) due = std::min(due, next_unsettled_);
  for (const auto& [task_id, entry] : unsettled_) {
    if (entry.answer == Answer::Unknown)
      due = std::min(due, entry.unknown_since + options_.unknown_timeout);
  }
  return due;
}

}  // namespace scale::scheduler
