#pragma once

// JSON encodings of the scheduler Events the emulator sends (spec A.6/A.7), and of MasterInfo.
// Field names, enum strings, id objects and base64 bytes follow the JSON mapping of spec A.2.

#include <cstdint>
#include <string>
#include <vector>

#include "model.h"

namespace mesos_sim {

struct MasterInfo {
  std::string id, ip, hostname, version = "1.12.0";
  uint16_t port = 0;
};

// A TaskStatus as sent in an UPDATE event.
struct StatusView {
  std::string task_id, agent_id, executor_id;
  TaskState state = TaskState::STAGING;
  const char* source = "SOURCE_EXECUTOR";
  std::string reason, message;
  std::string uuid;  // raw bytes; empty: no uuid (master-generated, not to be acknowledged)
  double timestamp = 0;
  double unreachable_time = -1;  // seconds; >= 0 adds unreachable_time
};

std::string master_info_json(const MasterInfo& info);
std::string subscribed_event(const std::string& framework_id, double heartbeat_s,
                             const MasterInfo& info);
std::string heartbeat_event();
std::string error_event(const std::string& message);
std::string rescind_event(const std::string& offer_id);
std::string update_event(const StatusView& status);
std::string failure_event(const std::string& agent_id);

// One OFFERS event with several offers (one per agent). Like the master, it leaves out
// allocation_info for a framework without MULTI_ROLE.
class OffersEvent {
 public:
  void add(const Offer& offer, const Agent& agent, bool multi_role);
  bool empty() const { return count_ == 0; }
  std::string finish();  // the event JSON; the builder is then empty again

 private:
  std::string offers_;
  size_t count_ = 0;
};

// The wall clock in seconds, as TaskStatus.timestamp carries it.
double wall_seconds();

}  // namespace mesos_sim
