#include "scheduler/mesos/call_load.h"

namespace scale::mesos {

const char* to_string(CallLane lane) {
  switch (lane) {
    case CallLane::Acknowledge:
      return "acknowledge";
    case CallLane::Offer:
      return "offer";
    case CallLane::Ordered:
      return "ordered";
  }
  return "unknown";
}

CallLane lane_of(CallType type) {
  switch (type) {
    case CallType::Acknowledge:
      return CallLane::Acknowledge;
    case CallType::Accept:
    case CallType::Decline:
      return CallLane::Offer;
    case CallType::Kill:
    case CallType::Reconcile:
    case CallType::Suppress:
    case CallType::Revive:
    case CallType::Teardown:
      break;
  }
  return CallLane::Ordered;
}

void CallGauge::publish(const CallLoad& load) {
  for (size_t i = 0; i < kCallLanes; ++i) {
    in_flight_[i].store(load.in_flight[i], std::memory_order_relaxed);
    queued_[i].store(load.queued[i], std::memory_order_relaxed);
  }
}

CallLoad CallGauge::read() const {
  CallLoad load;
  for (size_t i = 0; i < kCallLanes; ++i) {
    load.in_flight[i] = in_flight_[i].load(std::memory_order_relaxed);
    load.queued[i] = queued_[i].load(std::memory_order_relaxed);
  }
  return load;
}

}  // namespace scale::mesos
