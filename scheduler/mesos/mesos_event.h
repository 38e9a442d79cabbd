#pragma once

// Typed v1 scheduler events (spec A.6) as the owner of the client sees them. Only the fields the
// scheduler acts on are kept; enum values stay as the wire names ("TASK_RUNNING") so an unknown
// value from a newer master is carried, not lost.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scale::mesos {

enum class EventType {
  Unknown,  // a type this client does not know: ignored by the owner (forward compatibility)
  Subscribed,
  Offers,
  InverseOffers,
  Rescind,
  RescindInverseOffer,
  Update,
  UpdateOperationStatus,
  Message,
  Failure,
  Error,
  Heartbeat,
};
const char* to_string(EventType type);

struct Resource {
  std::string name;
  std::string type;  // SCALAR | RANGES | SET | TEXT
  double scalar = 0;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  std::vector<std::string> set;
  std::string allocation_role;  // allocation_info.role; must be echoed back in ACCEPT
};

struct Offer {
  std::string id;
  std::string framework_id;
  std::string agent_id;
  std::string hostname;
  std::string allocation_role;
  std::vector<Resource> resources;
  std::vector<std::pair<std::string, std::string>> text_attributes;  // name -> text value
};

struct TaskStatus {
  std::string task_id;
  std::string state;   // TASK_* name
  std::string source;  // SOURCE_* name, may be empty
  std::string reason;  // REASON_* name, may be empty
  std::string message;
  std::string agent_id;
  std::string executor_id;
  double timestamp = 0;
  // When the master marked the agent unreachable (TASK_UNREACHABLE, spec B.4), seconds since the
  // Unix epoch; 0 when the update does not say.
  double unreachable_time = 0;
  // Base64 exactly as received. Present only on reliable (agent-generated) updates, which are
  // the only ones that may and must be acknowledged (spec A.9).
  std::optional<std::string> uuid;
  std::optional<bool> healthy;
};

struct MasterAddress {
  std::string hostname;
  std::string ip;
  int port = 0;
};

struct SubscribedEvent {
  std::string framework_id;
  double heartbeat_interval_seconds = 0;  // 0 = not advertised
  std::optional<MasterAddress> master;
};

struct MessageEvent {
  std::string agent_id;
  std::string executor_id;
  std::string data;  // base64 as received
};

struct FailureEvent {
  std::string agent_id;     // empty when absent
  std::string executor_id;  // empty when absent
  std::optional<int> status;
};

// One decoded event. Only the member matching `type` is meaningful.
struct Event {
  EventType type = EventType::Unknown;
  std::string type_name;  // as on the wire
  SubscribedEvent subscribed;
  std::vector<Offer> offers;
  std::vector<std::string> inverse_offer_ids;
  std::string rescinded_offer_id;  // RESCIND and RESCIND_INVERSE_OFFER
  TaskStatus status;               // UPDATE
  MessageEvent message;
  FailureEvent failure;
  std::string error_message;  // ERROR
};

// Mesos' own terminal states (protobuf::isTerminalState, spec A.8).
bool is_terminal_task_state(const std::string& state);

}  // namespace scale::mesos
