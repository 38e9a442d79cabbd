#include "cluster/election.h"

namespace scale::cluster {

const char* to_string(TermEndReason reason) {
  switch (reason) {
    case TermEndReason::None:
      return "None";
    case TermEndReason::Resigned:
      return "Resigned";
    case TermEndReason::SessionExpired:
      return "SessionExpired";
    case TermEndReason::SuspendedTooLong:
      return "SuspendedTooLong";
    case TermEndReason::NodeDeleted:
      return "NodeDeleted";
    case TermEndReason::Closed:
      return "Closed";
  }
  return "Unknown";
}

}  // namespace scale::cluster
