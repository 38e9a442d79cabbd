#include "scheduler/mesos/call_lanes.h"

namespace scale::mesos {

CallLanes::CallLanes(size_t ack_window, size_t offer_window) {
  acks_.window = ack_window > 0 ? ack_window : 1;
  offers_.window = offer_window > 0 ? offer_window : 1;
  ordered_.window = 1;
}

CallLanes::Queue& CallLanes::queue_of(Lane lane) {
  switch (lane) {
    case Lane::Acknowledge:
      return acks_;
    case Lane::Offer:
      return offers_;
    case Lane::Ordered:
      break;
  }
  return ordered_;
}

std::vector<LaneCall> CallLanes::submit(CallType type, std::string body) {
  std::vector<LaneCall> out;
  const Lane lane = lane_of(type);
  if (lane == Lane::Acknowledge && !ack_bodies_.insert(body).second) return out;
  LaneCall call{next_seq_++, type, std::move(body)};
  if (lane == Lane::Offer) offer_calls_.insert(call.seq);
  queue_of(lane).waiting.push_back(std::move(call));
  start_ready(out);
  return out;
}

std::vector<LaneCall> CallLanes::finished(uint64_t seq) {
  std::vector<LaneCall> out;
  auto it = started_.find(seq);
  if (it == started_.end()) return out;  // from before a reset()
  const Started done = std::move(it->second);
  started_.erase(it);
  --queue_of(done.lane).in_flight;
  if (done.lane == Lane::Acknowledge) ack_bodies_.erase(done.ack_body);
  if (done.lane == Lane::Offer) offer_calls_.erase(seq);
  start_ready(out);
  return out;
}

void CallLanes::reset() {
  for (Queue* q : {&acks_, &offers_, &ordered_}) {
    q->in_flight = 0;
    q->waiting.clear();
  }
  ack_bodies_.clear();
  offer_calls_.clear();
  started_.clear();
}

size_t CallLanes::queued() const {
  return acks_.waiting.size() + offers_.waiting.size() + ordered_.waiting.size();
}

CallLoad CallLanes::load() const {
  CallLoad load;
  const Queue* const queues[kCallLanes] = {&acks_, &offers_, &ordered_};  // in CallLane order
  for (size_t i = 0; i < kCallLanes; ++i) {
    load.in_flight[i] = queues[i]->in_flight;
    load.queued[i] = queues[i]->waiting.size();
  }
  return load;
}

// The oldest ordered call waits for every ACCEPT/DECLINE submitted before it.
bool CallLanes::ordered_may_start() const {
  if (ordered_.waiting.empty() || ordered_.in_flight > 0) return false;
  return offer_calls_.empty() || *offer_calls_.begin() > ordered_.waiting.front().seq;
}

void CallLanes::start_ready(std::vector<LaneCall>& out) {
  start_from(acks_, Lane::Acknowledge, out);
  start_from(offers_, Lane::Offer, out);
  if (ordered_may_start()) start_from(ordered_, Lane::Ordered, out);
}

void CallLanes::start_from(Queue& q, Lane lane, std::vector<LaneCall>& out) {
  while (q.in_flight < q.window && !q.waiting.empty()) {
    LaneCall call = std::move(q.waiting.front());
    q.waiting.pop_front();
    ++q.in_flight;
    started_[call.seq] = {lane, lane == Lane::Acknowledge ? call.body : std::string()};
    out.push_back(std::move(call));
  }
}

}  // namespace scale::mesos
