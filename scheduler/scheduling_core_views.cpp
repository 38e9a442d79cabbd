// What the scheduling core tells the status document and the metrics: agent views, cluster
// totals, commit health and the offers-unusable episode (split from scheduling_core.cpp).
#include <map>

#include "scheduler/scheduling_core.h"

namespace scale::scheduler {

db::Resources SchedulingCore::active_totals() const {
  db::Resources sum;
  for (const auto& [agent_id, agent] : agents_) {
    if (agent.is_active) sum += agent.resources;
  }
  return sum;
}

std::optional<SchedulingCore::Clock::time_point> SchedulingCore::offers_unusable_since(
    Clock::time_point now) const {
  if (!unusable_since_ || now - *unusable_since_ < options_.offers_unusable_after)
    return std::nullopt;
  return unusable_since_;
}

DbHealth SchedulingCore::take_db_health() {
  DbHealth health = std::move(db_health_);
  db_health_ = {};
  return health;
}

void SchedulingCore::note_commit(Clock::duration took, const db::Error* error) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took);
  db_health_.slowest_commit = std::max(db_health_.slowest_commit, ms);
  ++db_health_.commits;
  if (error) {
    ++db_health_.failed_commits;
    db_health_.last_error = error->what();
  }
}

std::vector<AgentView> SchedulingCore::agents() const {
  std::map<std::string, AgentView> views;
  for (const auto& [agent_id, record] : agents_) views[agent_id].record = record;
  for (const auto& offer : offers_.available()) views[offer.agent_id].offered = offer.available;
  for (const auto& [task_id, task] : live_tasks_) {
    auto& view = views[task.agent_id];
    view.running += task.resources;
    ++view.running_tasks;
  }
  std::vector<AgentView> out;
  for (auto& [agent_id, view] : views) {
    view.record.agent_id = agent_id;
    out.push_back(std::move(view));
  }
  return out;
}

}  // namespace scale::scheduler
