// The simulated agent and command executor of each task: the container launch (--bad_images),
// STARTING/RUNNING, the run time (--task_ms), redelivery timers, and KILL with the executor's grace
// period (spec B.3): SIGTERM ends a task at once unless it ignores SIGTERM; then SIGKILL follows
// when the grace runs out, and a repeated KILL can only bring it forward.

#include <algorithm>

#include "master.h"

namespace mesos_sim {
namespace {

constexpr double kMaxRetrySeconds = 600;  // the agent's status update retry cap (10 min)
constexpr double kDefaultGraceNs = 3e9;   // the command executor's default grace
constexpr const char* kTerminated = "Command terminated with signal Terminated";
constexpr const char* kKilled = "Command terminated with signal Killed";

Millis ns_to_ms(double ns) {
  return static_cast<Millis>(std::max(ns, 0.0) / 1e6);
}

}  // namespace

void Master::start_process(Task& task, Millis now) {
  const auto& bad = config_.bad_images;
  if (!task.image.empty() && std::find(bad.begin(), bad.end(), task.image) != bad.end()) {
    // The containerizer fails before the executor runs: the agent reports it (B.2).
    push_update(task, TaskState::FAILED, "REASON_CONTAINER_LAUNCH_FAILED",
                "Failed to launch container: Failed to pull image '" + task.image +
                    "' (listed in --bad_images)",
                now, "SOURCE_AGENT");
    return;
  }
  // The command executor sends STARTING, then RUNNING; the agent holds RUNNING back until
  // STARTING is acknowledged (one unacknowledged update per task).
  if (config_.task_starting) push_update(task, TaskState::STARTING, "", "", now);
  push_update(task, TaskState::RUNNING, "", "", now);
  std::uniform_int_distribution<int> duration(config_.task_ms_min, config_.task_ms_max);
  timers_.push({now + duration(rng_), TimerKind::FINISH, task.serial, 0});
}

void Master::run_timers(Millis now) {
  while (!timers_.empty() && timers_.top().at <= now) {
    Timer timer = timers_.top();
    timers_.pop();
    auto found = task_by_serial_.find(timer.serial);
    if (found == task_by_serial_.end()) continue;
    Task* task = found->second;
    if (timer.kind == TimerKind::START && task->state == TaskState::STAGING) {
      start_process(*task, now);
    } else if (timer.kind == TimerKind::FINISH && task->kill_started >= 0 &&
               !is_terminal(task->state)) {
      // It exited by itself during the grace period: a killed task ends TASK_KILLED.
      push_update(*task, TaskState::KILLED, "", "Command exited with status 0", now);
    } else if (timer.kind == TimerKind::FINISH && task->state == TaskState::RUNNING) {
      // The command executor gives an exit status, not a reason.
      bool fail = std::uniform_real_distribution<double>(0, 1)(rng_) < config_.fail_ratio;
      push_update(*task, fail ? TaskState::FAILED : TaskState::FINISHED, "",
                  fail ? "Command exited with status 1" : "Command exited with status 0", now);
    } else if (timer.kind == TimerKind::ESCALATE && timer.generation == task->kill_generation &&
               !is_terminal(task->state)) {
      push_update(*task, TaskState::KILLED, "", kKilled, now);
    } else if (timer.kind == TimerKind::RETRY && timer.generation == task->head_generation) {
      task->retry_s = std::min(task->retry_s * 2, kMaxRetrySeconds);
      deliver_head(*task, now);
    }
  }
}

void Master::schedule_sigkill(Task& task, Millis at) {
  task.kill_at = at;
  timers_.push({at, TimerKind::ESCALATE, task.serial, ++task.kill_generation});
}

void Master::kill(Framework& fw, const Call& call, Millis now) {
  Task* task = task_of(fw.id, call.task_id);
  if (!task || agents_[task->agent].state != AgentState::REGISTERED) {
    // Unknown, or on an agent that is not registered: explicit reconciliation, and the kill is
    // not remembered (B.3).
    reconcile_one(fw, {call.task_id, call.agent_id});
    return;
  }
  if (call.agent_id && *call.agent_id != agents_[task->agent].id) return;  // silently ignored
  if (is_terminal(task->state)) return;
  if (task->kill_started >= 0) {
    // A repeated kill only shortens the grace, counted from the first kill.
    if (!call.kill_grace_ns) return;
    Millis at = std::max(now, task->kill_started + ns_to_ms(*call.kill_grace_ns));
    if (at < task->kill_at) schedule_sigkill(*task, at);
    return;
  }
  if (fw.info.task_killing_state && task->state != TaskState::KILLING) {
    push_update(*task, TaskState::KILLING, "", "", now);
  }
  // SIGTERM ends `sleep` and the like at once; a task still staging has no process yet.
  if (!task->ignores_sigterm || task->state == TaskState::STAGING) {
    push_update(*task, TaskState::KILLED, "", kTerminated, now);
    return;
  }
  // The KILL's own policy wins for this kill, then the TaskInfo's, then the default.
  double grace = call.kill_grace_ns.value_or(task->grace_ns.value_or(kDefaultGraceNs));
  task->kill_started = now;
  schedule_sigkill(*task, now + ns_to_ms(grace));
}

}  // namespace mesos_sim
