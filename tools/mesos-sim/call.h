#pragma once

// A scheduler Call decoded from its JSON form (spec A.2/A.5), reduced to the fields the emulator
// acts on. Decoding and the stateless Call validation happen here, on the HTTP threads, so the
// single-threaded core only sees well-formed calls.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config.h"
#include "task_spec.h"

namespace mesos_sim {

enum class CallType {
  UNKNOWN,
  SUBSCRIBE,
  TEARDOWN,
  ACCEPT,
  DECLINE,
  REVIVE,
  KILL,
  SHUTDOWN,
  ACKNOWLEDGE,
  RECONCILE,
  MESSAGE,
  REQUEST,
  SUPPRESS,
  ACCEPT_INVERSE_OFFERS,
  DECLINE_INVERSE_OFFERS,
  ACKNOWLEDGE_OPERATION_STATUS,
  RECONCILE_OPERATIONS,
  UPDATE_FRAMEWORK,
};

struct FrameworkInfo {
  std::string user, name, principal, hostname;
  bool principal_set = false;
  std::optional<std::string> id;
  double failover_timeout = 0;
  std::vector<std::string> roles;  // MULTI_ROLE; otherwise {role or "*"}
  bool partition_aware = false, multi_role = false, task_killing_state = false;
  bool gpu_resources = false;
  bool role_set = false, roles_set = false;  // which of the two role fields the JSON carried
};

struct TaskLaunch {
  std::string task_id, name, agent_id;
  Resources resources;
  int resource_count = 0;
  bool unsupported_resource = false;  // a resource kind no agent offers (ports, ...)
  std::string nonpositive;            // "cpus:-1": the first scalar <= 0
  bool has_command = false, has_executor = false;
  TaskSpec spec;
  std::string json;  // the TaskInfo as sent, re-serialized (for the journal)
};

struct Operation {
  std::string type;  // "LAUNCH", "LAUNCH_GROUP", ...
  bool has_id = false;
  std::vector<TaskLaunch> tasks;
};

struct ReconcileTask {
  std::string task_id;
  std::optional<std::string> agent_id;
};

struct Call {
  CallType type = CallType::UNKNOWN;
  bool has_type = false;  // an unknown type name reads as unset
  std::optional<std::string> framework_id;
  // SUBSCRIBE and UPDATE_FRAMEWORK
  FrameworkInfo framework_info;
  std::vector<std::string> suppressed_roles;
  // ACCEPT / DECLINE
  std::vector<std::string> offer_ids;
  std::vector<Operation> operations;
  std::optional<double> refuse_seconds;
  // SUPPRESS / REVIVE (empty: all roles)
  std::vector<std::string> roles;
  // KILL / ACKNOWLEDGE
  std::string task_id;
  std::optional<std::string> agent_id;
  std::string uuid;                     // raw 16 bytes
  std::optional<double> kill_grace_ns;  // KILL: kill_policy.grace_period override
  // RECONCILE (empty: implicit)
  std::vector<ReconcileTask> reconcile_tasks;
};

struct ParsedCall {
  std::optional<Call> call;
  std::string error;  // the 400 body when call is empty
};

// Decodes and validates one JSON Call the way the master does: JSON errors, missing required
// fields and Call validation failures all yield an error (HTTP 400).
ParsedCall parse_call(const char* data, size_t size);

const char* call_type_name(CallType type);

}  // namespace mesos_sim
