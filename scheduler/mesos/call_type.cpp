#include "scheduler/mesos/call_type.h"

namespace scale::mesos {

const char* to_string(CallType type) {
  switch (type) {
    case CallType::Accept:
      return "ACCEPT";
    case CallType::Decline:
      return "DECLINE";
    case CallType::Acknowledge:
      return "ACKNOWLEDGE";
    case CallType::Kill:
      return "KILL";
    case CallType::Reconcile:
      return "RECONCILE";
    case CallType::Suppress:
      return "SUPPRESS";
    case CallType::Revive:
      return "REVIVE";
    case CallType::Teardown:
      return "TEARDOWN";
  }
  return "UNKNOWN";
}

}  // namespace scale::mesos
