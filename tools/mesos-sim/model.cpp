#include "model.h"

namespace mesos_sim {

const char* task_state_name(TaskState state) {
  switch (state) {
    case TaskState::STAGING:
      return "TASK_STAGING";
    case TaskState::STARTING:
      return "TASK_STARTING";
    case TaskState::RUNNING:
      return "TASK_RUNNING";
    case TaskState::KILLING:
      return "TASK_KILLING";
    case TaskState::FINISHED:
      return "TASK_FINISHED";
    case TaskState::FAILED:
      return "TASK_FAILED";
    case TaskState::KILLED:
      return "TASK_KILLED";
    case TaskState::ERROR:
      return "TASK_ERROR";
    case TaskState::LOST:
      return "TASK_LOST";
    case TaskState::DROPPED:
      return "TASK_DROPPED";
    case TaskState::UNREACHABLE:
      return "TASK_UNREACHABLE";
    case TaskState::GONE:
      return "TASK_GONE";
    case TaskState::GONE_BY_OPERATOR:
      return "TASK_GONE_BY_OPERATOR";
    case TaskState::UNKNOWN:
      return "TASK_UNKNOWN";
  }
  return "TASK_UNKNOWN";
}

bool is_terminal(TaskState state) {
  switch (state) {
    case TaskState::FINISHED:
    case TaskState::FAILED:
    case TaskState::KILLED:
    case TaskState::ERROR:
    case TaskState::LOST:
    case TaskState::DROPPED:
    case TaskState::GONE:
    case TaskState::GONE_BY_OPERATOR:
      return true;
    default:
      return false;
  }
}

const char* agent_state_name(AgentState state) {
  switch (state) {
    case AgentState::REGISTERED:
      return "REGISTERED";
    case AgentState::RECOVERING:
      return "RECOVERING";
    case AgentState::UNREACHABLE:
      return "UNREACHABLE";
    case AgentState::GONE:
      return "GONE";
    case AgentState::REMOVED:
      return "REMOVED";
  }
  return "REMOVED";
}

}  // namespace mesos_sim
