#pragma once

// Encodes v1 scheduler Calls to JSON (spec A.2, A.5): snake_case proto field names, enums as
// value names, ids as {"value": ...} objects, bytes as base64. Pure functions.

#include <optional>
#include <string>
#include <vector>

#include "scheduler/mesos/mesos_call.h"

namespace scale::mesos {

// First subscription: no framework id anywhere. Resubscription: the same id both at the top level
// and in framework_info.id, or the master answers 400 (spec A.4).
std::string encode_subscribe(const FrameworkInfo& info,
                             const std::optional<std::string>& framework_id);

// One LAUNCH operation carrying every task; offers must all be from the same agent.
// refuse_seconds: filter for the offers' unused resources (unset = the master's default 5 s).
std::string encode_accept(const std::string& framework_id,
                          const std::vector<std::string>& offer_ids,
                          const std::vector<TaskLaunch>& tasks,
                          std::optional<double> refuse_seconds = std::nullopt);
std::string encode_decline(const std::string& framework_id,
                           const std::vector<std::string>& offer_ids,
                           std::optional<double> refuse_seconds);
// Empty roles = all the framework's roles.
std::string encode_suppress(const std::string& framework_id, const std::vector<std::string>& roles);
std::string encode_revive(const std::string& framework_id, const std::vector<std::string>& roles);
// agent_id may be empty (the master then looks the task up itself). grace_seconds, when set, is
// sent as kill.kill_policy.grace_period (whole nanoseconds; negative is sent as 0).
std::string encode_kill(const std::string& framework_id, const std::string& task_id,
                        const std::string& agent_id,
                        std::optional<double> grace_seconds = std::nullopt);
// uuid_base64: TaskStatus.uuid exactly as received.
std::string encode_acknowledge(const std::string& framework_id, const std::string& agent_id,
                               const std::string& task_id, const std::string& uuid_base64);
// Empty tasks = implicit reconciliation.
std::string encode_reconcile(const std::string& framework_id,
                             const std::vector<TaskToReconcile>& tasks);
std::string encode_teardown(const std::string& framework_id);

}  // namespace scale::mesos
