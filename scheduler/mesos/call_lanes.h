#pragma once

// Which scheduler calls may be in flight together (pure bookkeeping; HttpTransport sends).
//
// A master answers a call only after handling it, so calls sent strictly one after another cap
// the client at one round trip per call; under load, at a few hundred launches or
// acknowledgements a second. Three lanes:
//   - ACKNOWLEDGE: up to ack_window at once. Independent of everything (the agent waits only for
//     the acknowledgement of each task's oldest update). One identical to an acknowledgement
//     still queued or in flight (a redelivered update) is dropped.
//   - ACCEPT and DECLINE: up to offer_window at once; each concerns its own offers.
//   - every other call (KILL, RECONCILE, SUPPRESS, REVIVE, TEARDOWN, ...): one at a time, in
//     order, and each only after every ACCEPT/DECLINE submitted before it has been answered, so
//     the master sees it after them as before (a KILL after its task's LAUNCH, a REVIVE after the
//     DECLINE whose filter it clears).

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "scheduler/mesos/call_load.h"
#include "scheduler/mesos/call_type.h"

namespace scale::mesos {

struct LaneCall {
  uint64_t seq = 0;
  CallType type = CallType::Acknowledge;
  std::string body;
};

class CallLanes {
 public:
  CallLanes(size_t ack_window, size_t offer_window);

  // Queues a call; returns the calls to start now.
  std::vector<LaneCall> submit(CallType type, std::string body);
  // A started call was answered (or failed); returns the calls to start now.
  std::vector<LaneCall> finished(uint64_t seq);
  // Forgets every queued and in-flight call (a new subscription).
  void reset();

  size_t queued() const;  // submitted, not yet started
  // Started and not yet finished (in_flight), submitted and not yet started (queued), by lane.
  CallLoad load() const;

 private:
  using Lane = CallLane;
  struct Queue {
    size_t window = 1;
    size_t in_flight = 0;
    std::deque<LaneCall> waiting;
  };
  Queue& queue_of(Lane lane);
  void start_ready(std::vector<LaneCall>& out);
  void start_from(Queue& q, Lane lane, std::vector<LaneCall>& out);
  bool ordered_may_start() const;

  Queue acks_;
  Queue offers_;
  Queue ordered_;
  struct Started {
    Lane lane;
    std::string ack_body;  // ACKNOWLEDGEs only
  };
  std::unordered_set<std::string> ack_bodies_;  // queued or in flight
  std::set<uint64_t> offer_calls_;              // ACCEPT/DECLINE seqs not yet answered
  std::unordered_map<uint64_t, Started> started_;
  uint64_t next_seq_ = 1;
};

}  // namespace scale::mesos
