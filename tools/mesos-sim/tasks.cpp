// Simulated agents and tasks: LAUNCH validation, the per-task reliable update stream (uuid,
// redelivery of the unacknowledged head with backoff) and ACKNOWLEDGE. What a task does once
// launched is the executor's (executor.cpp).

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "master.h"

namespace mesos_sim {
namespace {

// common/validation.cpp validateID, with the master's messages.
std::string id_error(const std::string& id) {
  if (id.empty()) return "ID must not be empty";
  if (id.size() > 255) return "ID must not be greater than 255 characters";
  if (id == "." || id == "..") return "'" + id + "' is disallowed";
  bool bad = std::any_of(id.begin(), id.end(), [](char c) {
    return std::iscntrl(static_cast<unsigned char>(c)) || c == '/' || c == '\\';
  });
  return bad ? "'" + id + "' contains invalid characters" : "";
}

// "cpus(allocated: r):0.5; mem(allocated: r):32", as the master prints Resources.
std::string resources_text(const Resources& r, const std::string& role) {
  std::string out;
  auto add = [&](const char* name, double value) {
    if (value <= 0) return;
    char number[32];
    std::snprintf(number, sizeof(number), "%g", value);
    out += (out.empty() ? "" : "; ") + std::string(name) + "(allocated: " + role + "):" + number;
  };
  add("cpus", r.cpus);
  add("mem", r.mem);
  add("disk", r.disk);
  add("gpus", r.gpus);
  return out;
}

}  // namespace

Task* Master::task_of(const std::string& framework_id, const std::string& task_id) {
  auto fw = tasks_.find(framework_id);
  if (fw == tasks_.end()) return nullptr;
  auto it = fw->second.find(task_id);
  return it == fw->second.end() ? nullptr : &it->second;
}

const Task* Master::find_task(const std::string& framework_id, const std::string& task_id) const {
  return const_cast<Master*>(this)->task_of(framework_id, task_id);
}

// The master's checks, in its order (B.2); the first failure wins.
std::string Master::validate_task(const Framework& fw, const TaskLaunch& task, int agent,
                                  const Resources& available, const std::string& role) const {
  if (std::string error = id_error(task.task_id); !error.empty()) return error;
  if (const Task* existing = find_task(fw.id, task.task_id);
      existing && !is_terminal(existing->state)) {
    // Tasks of an unreachable agent are kept on the framework's unreachable list.
    bool unreachable = agents_[existing->agent].state == AgentState::UNREACHABLE;
    return (unreachable ? "Task reuses the ID of an unreachable task: "
                        : "Task has duplicate ID: ") +
           task.task_id;
  }
  if (task.agent_id != agents_[agent].id) {
    return "Task uses invalid agent " + task.agent_id + " while agent " + agents_[agent].id +
           " is expected";
  }
  if (std::string error = kill_policy_error(task.spec); !error.empty()) return error;
  if (task.resource_count == 0) return "Task uses no resources";
  if (!task.nonpositive.empty()) {
    auto colon = task.nonpositive.find(':');
    return "Resource '" + task.nonpositive.substr(0, colon) + "(allocated: " + role + ")" +
           task.nonpositive.substr(colon) + "' is invalid: Invalid scalar resource: value <= 0";
  }
  if (std::fabs(task.resources.gpus - std::round(task.resources.gpus)) >= 0.001) {
    return "Task uses invalid resources: Invalid 'gpus' resource: The 'gpus' resource must be an "
           "unsigned integer";
  }
  if (std::string error = command_error(task.spec); !error.empty()) return error;
  if (std::string error = container_error(task.spec); !error.empty()) return error;
  if (task.has_command == task.has_executor) {
    return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
  }
  if (task.unsupported_resource || !available.contains(task.resources)) {
    return "Total resources " + resources_text(task.resources, role) +
           " required by task and its executor is more than available " +
           resources_text(available, role);
  }
  return "";
}

void Master::reject_operation_ids(Framework& fw, const Call& call, int agent) {
  // Master::accept drops a LAUNCH or LAUNCH_GROUP that asks for operation feedback before it
  // looks at any other operation, so these errors come first.
  for (const auto& op : call.operations) {
    if (!op.has_id || (op.type != "LAUNCH" && op.type != "LAUNCH_GROUP")) continue;
    const char* reason = op.type == "LAUNCH" ? "REASON_TASK_INVALID" : "REASON_TASK_GROUP_INVALID";
    for (const auto& launch : op.tasks) {
      master_update(fw, launch.task_id, agents_[agent].id, TaskState::ERROR, reason,
                    "The `id` field cannot be set on " + op.type + " operations");
    }
  }
}

void Master::launch_tasks(Framework& fw, const Operation& op, int agent, const std::string& role,
                          Resources* available, Millis now) {
  if (op.type != "LAUNCH" && op.type != "LAUNCH_GROUP") return;  // no operation feedback here
  if (op.has_id) return;                                         // reject_operation_ids
  const char* invalid = op.type == "LAUNCH" ? "REASON_TASK_INVALID" : "REASON_TASK_GROUP_INVALID";
  for (const auto& launch : op.tasks) {
    std::string error = validate_task(fw, launch, agent, *available, role);
    if (!error.empty()) {
      master_update(fw, launch.task_id, agents_[agent].id, TaskState::ERROR, invalid, error);
      continue;
    }
    start_task(fw, launch, agent, now);
    *available -= launch.resources;
  }
}

void Master::start_task(Framework& fw, const TaskLaunch& launch, int agent, Millis now) {
  Agent& a = agents_[agent];
  a.used += launch.resources;
  Task& task = tasks_[fw.id][launch.task_id];
  if (task.serial) {  // an id reused after a terminal state
    task_by_serial_.erase(task.serial);
    agents_[task.agent].tasks.erase(task.serial);
  }
  task = Task{};
  task.serial = next_serial_++;
  task_by_serial_[task.serial] = &task;
  a.tasks.insert(task.serial);
  task.framework_id = fw.id;
  task.task_id = launch.task_id;
  task.agent = agent;
  task.resources = launch.resources;
  task.image = launch.spec.image;
  task.ignores_sigterm = ignores_sigterm(launch.spec);
  task.grace_ns = launch.spec.grace_ns;
  uint64_t key_hash = std::hash<std::string>{}(task_key(fw.id, launch.task_id));
  if (!launched_.insert(key_hash).second) ++duplicate_launches_;
  journal_.append({0, wall_seconds(), launch.task_id, a.id, fw.id, fw.stream_id, launch.json});
  // The executor reports STARTING and RUNNING at the next tick.
  timers_.push({now, TimerKind::START, task.serial, 0});
}

void Master::push_update(Task& task, TaskState state, const std::string& reason,
                         const std::string& message, Millis now, const char* source) {
  StatusUpdate update;
  update.state = state;
  update.source = source;
  update.uuid.resize(16);
  for (auto& c : update.uuid) c = static_cast<char>(rng_() & 0xff);
  update.timestamp = wall_seconds();
  update.reason = reason;
  update.message = message;
  if (is_terminal(state) && !is_terminal(task.state)) {
    // The master learns the latest state with every forwarded update (latest_state) and
    // recovers the resources at once, whatever the acknowledgements.
    agents_[task.agent].used -= task.resources;
  }
  task.state = state;
  task.pending.push_back(std::move(update));
  if (task.pending.size() == 1) {
    task.retry_s = config_.update_retry_s;
    deliver_head(task, now);
  }
}

void Master::deliver_head(Task& task, Millis now) {
  if (task.pending.empty()) return;
  ++task.head_generation;
  auto fw = frameworks_.find(task.framework_id);
  const Agent& agent = agents_[task.agent];
  if (fw != frameworks_.end() && fw->second.connected && agent.state == AgentState::REGISTERED) {
    const StatusUpdate& head = task.pending.front();
    StatusView view;
    view.task_id = task.task_id;
    view.agent_id = agent.id;
    view.state = head.state;
    view.reason = head.reason;
    view.message = head.message;
    view.uuid = head.uuid;
    view.source = head.source;
    view.timestamp = head.timestamp;
    view.executor_id = task.task_id;  // the command executor takes the task's id
    send(fw->second, update_event(view));
  }
  timers_.push({now + static_cast<Millis>(task.retry_s * 1000), TimerKind::RETRY, task.serial,
                task.head_generation});
}

void Master::deliver_all_heads(const std::string& framework_id, Millis now) {
  auto tasks = tasks_.find(framework_id);
  if (tasks == tasks_.end()) return;
  for (auto& [id, task] : tasks->second) {
    if (agents_[task.agent].state == AgentState::REGISTERED) deliver_head(task, now);
  }
}

void Master::acknowledge(Framework& fw, const Call& call, Millis now) {
  Task* task = task_of(fw.id, call.task_id);
  int agent = agent_index(*call.agent_id);
  // Unknown or disconnected agent, unknown task or a stale uuid: silently ignored.
  if (!task || agent != task->agent || agents_[agent].state != AgentState::REGISTERED ||
      task->pending.empty() || task->pending.front().uuid != call.uuid) {
    return;
  }
  bool terminal = is_terminal(task->pending.front().state);
  task->pending.erase(task->pending.begin());
  ++acknowledgements_;
  if (terminal && task->pending.empty()) {
    erase_task(*task);  // the acked terminal update drops the task from memory
    return;
  }
  task->retry_s = config_.update_retry_s;
  deliver_head(*task, now);
}

void Master::erase_task(Task& task) {
  std::string framework_id = task.framework_id, task_id = task.task_id;
  task_by_serial_.erase(task.serial);
  agents_[task.agent].tasks.erase(task.serial);
  auto tasks = tasks_.find(framework_id);
  tasks->second.erase(task_id);
  if (tasks->second.empty()) tasks_.erase(tasks);
}

void Master::master_update(Framework& fw, const std::string& task_id, const std::string& agent_id,
                           TaskState state, const std::string& reason, const std::string& message,
                           double unreachable_time) {
  StatusView view;
  view.task_id = task_id;
  view.agent_id = agent_id;
  view.state = state;
  view.source = "SOURCE_MASTER";
  view.reason = reason;
  view.message = message;
  view.timestamp = wall_seconds();
  view.unreachable_time = unreachable_time;
  send(fw, update_event(view));  // not retried: dropped when disconnected
}

}  // namespace mesos_sim
