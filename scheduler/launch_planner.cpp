#include "scheduler/launch_planner.h"

#include <glog/logging.h>

#include <unordered_map>

#include "scheduler/task_spec_launch.h"

namespace scale::scheduler {

std::vector<db::Launch> LaunchPlanner::plan(bool can_launch, const queue::JobQueue& queue,
                                            const std::vector<queue::AgentOffer>& agents,
                                            size_t offers, Clock::time_point now) {
  std::vector<db::Launch> launches;
  if (!can_launch) {
    unusable_since_.reset();
    return launches;
  }
  if (offers == 0) return launches;
  const auto pass = matcher_.run_pass(queue, agents, false);
  for (const auto& placement : pass.placements)
    launches.push_back({placement.job_id, placement.agent_id, placement.resources});
  if (!launches.empty()) {
    unusable_since_.reset();
  } else if (!unusable_since_) {
    unusable_since_ = now;
  }
  return launches;
}

std::optional<LaunchPlanner::Clock::time_point> LaunchPlanner::unusable_since(
    Clock::time_point now) const {
  if (!unusable_since_ || now - *unusable_since_ < unusable_after_) return std::nullopt;
  return unusable_since_;
}

std::vector<LaunchPlanner::Committed> LaunchPlanner::committed(
    const std::vector<db::Launch>& planned, const std::vector<db::LaunchedExecution>& launched) {
  std::unordered_map<long long, const db::Launch*> launch_of;
  for (const auto& launch : planned) launch_of.emplace(launch.job_id, &launch);
  std::vector<Committed> out;
  out.reserve(launched.size());
  for (const auto& execution : launched)
    out.emplace_back(launch_of.at(execution.job_id), &execution);
  return out;
}

mesos::TaskLaunch LaunchPlanner::task_launch(const db::Launch& launch,
                                             const db::LaunchedExecution& execution) {
  mesos::TaskLaunch task;
  task.task_id = execution.task_id;
  task.agent_id = launch.agent_id;
  task.name = execution.name;
  std::string error;
  const auto spec = db::parse_task_spec(execution.task_spec, error);
  // Only the store writes the column, so this means a hand edit: the bare command runs (or, with
  // no command, fails on the agent and the job is retried), and the spec is not printed: its
  // environment may hold secrets.
  LOG_IF(ERROR, !spec) << "leader: job " << execution.job_id << " has an unreadable task spec ("
                       << error.substr(0, 80) << "); launching its command without it";
  apply_task_spec(execution.command, spec.value_or(db::TaskSpec{}), task);
  task.kill_grace_seconds = execution.kill_grace_s;
  const std::pair<const char*, double> all[] = {{"cpus", launch.resources.cpus},
                                                {"mem", launch.resources.mem},
                                                {"disk", launch.resources.disk},
                                                {"gpus", launch.resources.gpus}};
  for (const auto& [name, value] : all) {
    if (value > 0) task.resources.push_back({name, value, ""});
  }
  return task;
}

}  // namespace scale::scheduler
