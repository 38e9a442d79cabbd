#pragma once

// How many scheduler calls are out with the master, lane by lane (see CallLanes): in flight (on
// the wire, no HTTP answer yet) and queued (waiting for their lane's window, or held while the
// send gate is closed). Counted on the transport's I/O thread, read by anyone through CallGauge.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "scheduler/mesos/call_type.h"

namespace scale::mesos {

enum class CallLane { Acknowledge, Offer, Ordered };
constexpr size_t kCallLanes = 3;

// "acknowledge" (ACKNOWLEDGE), "offer" (ACCEPT, DECLINE), "ordered" (every other call).
const char* to_string(CallLane lane);
CallLane lane_of(CallType type);

struct CallLoad {
  std::array<uint64_t, kCallLanes> in_flight{};
  std::array<uint64_t, kCallLanes> queued{};
  bool operator==(const CallLoad&) const = default;
};

// The last CallLoad published, readable from any thread without a lock (each number is exact;
// a reader may see one lane's number from just before a change and another's from just after).
class CallGauge {
 public:
  void publish(const CallLoad& load);
  CallLoad read() const;

 private:
  std::array<std::atomic<uint64_t>, kCallLanes> in_flight_{};
  std::array<std::atomic<uint64_t>, kCallLanes> queued_{};
};

}  // namespace scale::mesos
