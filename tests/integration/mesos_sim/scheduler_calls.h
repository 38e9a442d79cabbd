#pragma once

// Calls and event helpers the lifecycle tests share: ACCEPT with command tasks, ACKNOWLEDGE,
// RECONCILE, and waiting for a task's state while acknowledging what comes (a real agent holds a
// task's next update until the previous one is acknowledged).

#include <optional>
#include <string>
#include <vector>

#include "master_under_test.h"

namespace mesos_sim::test {

// A command task of 0.1 cpus for role "r". `command` runs for real on a real agent; the
// emulator takes the duration from --task_ms instead.
std::string task_info(const std::string& task, const std::string& agent,
                      const std::string& command = "true");
std::string accept_call(const std::string& fw, const std::string& offer,
                        const std::vector<std::string>& task_infos,
                        const std::string& extra_operations = "");
std::string ack_call(const std::string& fw, const rapidjson::Value& status);
std::string reconcile_call(const std::string& fw, const std::string& tasks);
std::string kill_call(const std::string& fw, const std::string& task);

struct FirstOffer {
  std::string id, agent;
};
FirstOffer first_offer(Subscriber& sub, std::chrono::milliseconds timeout);

// The status of the next UPDATE for `task` (others are acknowledged and skipped), or nullopt.
// With `ack`, a status carrying a uuid is acknowledged before it is returned.
std::optional<rapidjson::Document> next_update(Subscriber& sub, const std::string& task,
                                               std::chrono::milliseconds timeout, bool ack = true);
// Updates for `task` until one in `state`, acknowledging each; the states seen, in order.
std::vector<std::string> states_until(Subscriber& sub, const std::string& task,
                                      const std::string& state, std::chrono::milliseconds timeout);

}  // namespace mesos_sim::test
