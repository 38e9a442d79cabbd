// decode_event (scheduler/mesos/event_codec.*): one RecordIO record of the subscription stream,
// JSON from the master, to a typed Event. Whatever the record:
// - no crash, no undefined behaviour (numbers of any size in integer fields included), and stack
//   use that does not grow with the nesting depth (decoded on a small stack, see fuzz_support.h);
// - a refusal says why; an accepted event has what its type requires (SUBSCRIBED a framework id,
//   UPDATE a task id and state, a uuid only when non-empty), a type that matches its name and
//   finite numbers only (RapidJSON reads "1.5e309" as infinity without an error);
// - decoding into an Event that held a previous event gives the same result as into a fresh one,
//   so nothing of an earlier event leaks into the next.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "scheduler/mesos/event_codec.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using scale::mesos::decode_event;
using scale::mesos::Event;
using scale::mesos::EventType;

// Every field of an Event, as text, so two decodings can be compared.
std::string fingerprint(const Event& e) {
  std::string out = e.type_name + "|" + std::to_string(static_cast<int>(e.type)) + "|" +
                    e.subscribed.framework_id + "|" +
                    std::to_string(e.subscribed.heartbeat_interval_seconds) + "|";
  if (e.subscribed.master) {
    out += e.subscribed.master->hostname + "|" + e.subscribed.master->ip + "|" +
           std::to_string(e.subscribed.master->port) + "|";
  }
  for (const auto& o : e.offers) {
    out += "offer " + o.id + "|" + o.framework_id + "|" + o.agent_id + "|" + o.hostname + "|" +
           o.allocation_role + "|";
    for (const auto& r : o.resources) {
      out += r.name + "|" + r.type + "|" + std::to_string(r.scalar) + "|" + r.allocation_role;
      for (const auto& [begin, end] : r.ranges) {
        out += "|" + std::to_string(begin) + "-" + std::to_string(end);
      }
      for (const auto& item : r.set) out += "|" + item;
    }
    for (const auto& [name, value] : o.text_attributes) out += "|" + name + "=" + value;
  }
  for (const auto& id : e.inverse_offer_ids) out += "|inverse " + id;
  const auto& s = e.status;
  out += "|" + e.rescinded_offer_id + "|" + s.task_id + "|" + s.state + "|" + s.source + "|" +
         s.reason + "|" + s.message + "|" + s.agent_id + "|" + s.executor_id + "|" +
         std::to_string(s.timestamp) + "|" + (s.uuid ? "uuid " + *s.uuid : "-") + "|" +
         (s.healthy ? (*s.healthy ? "healthy" : "unhealthy") : "-") + "|" + e.message.agent_id +
         "|" + e.message.executor_id + "|" + e.message.data + "|" + e.failure.agent_id + "|" +
         e.failure.executor_id + "|" +
         (e.failure.status ? std::to_string(*e.failure.status) : "-") + "|" + e.error_message;
  return out;
}

// An event with every field set, to decode over.
Event used_event() {
  Event e;
  std::string error;
  decode_event(
      R"({"type":"OFFERS","offers":{"offers":[{"id":{"value":"O"},"agent_id":{"value":"A"},
        "resources":[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":1,"end":2}]}}]}]}})",
      &e, &error);
  e.subscribed.framework_id = "stale";
  e.subscribed.master = scale::mesos::MasterAddress{"stale", "1.2.3.4", 1};
  e.status.task_id = "stale";
  e.status.uuid = "stale";
  e.error_message = "stale";
  return e;
}

void check_accepted(const Event& e) {
  FUZZ_CHECK(std::string_view(scale::mesos::to_string(e.type)) ==
                 (e.type == EventType::Unknown ? "UNKNOWN" : e.type_name),
             "type " + std::string(scale::mesos::to_string(e.type)) + " for name " + e.type_name);
  if (e.type == EventType::Subscribed) {
    FUZZ_CHECK(!e.subscribed.framework_id.empty(), "SUBSCRIBED without a framework id");
    FUZZ_CHECK(std::isfinite(e.subscribed.heartbeat_interval_seconds), "heartbeat not finite");
    if (e.subscribed.master) FUZZ_CHECK(e.subscribed.master->port > 0, "master port <= 0");
  }
  for (const auto& offer : e.offers) {
    for (const auto& r : offer.resources) {
      FUZZ_CHECK(std::isfinite(r.scalar), "an infinite resource would reach the matcher");
    }
  }
  if (e.type == EventType::Update) {
    FUZZ_CHECK(std::isfinite(e.status.timestamp), "timestamp not finite");
    FUZZ_CHECK(!e.status.task_id.empty() && !e.status.state.empty(), "UPDATE without task/state");
    FUZZ_CHECK(!e.status.uuid || !e.status.uuid->empty(), "an empty uuid would be acknowledged");
    scale::mesos::is_terminal_task_state(e.status.state);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view record = scale::fuzz::as_text(data, size);
  Event fresh;
  std::string error;
  bool ok = false;
  auto decode_fresh = [&] { ok = decode_event(record, &fresh, &error); };
  scale::fuzz::on_small_stack(decode_fresh);
  if (ok) {
    check_accepted(fresh);
  } else {
    FUZZ_CHECK(!error.empty(), "refused without a reason");
  }

  Event reused = used_event();
  std::string reused_error;
  const bool reused_ok = decode_event(record, &reused, &reused_error);
  FUZZ_CHECK(reused_ok == ok, "the verdict depends on the Event decoded into");
  if (ok) {
    FUZZ_CHECK(fingerprint(reused) == fingerprint(fresh),
               "a previous event leaked: " + fingerprint(reused) + " vs " + fingerprint(fresh));
  } else {
    FUZZ_CHECK(reused_error == error, "the error depends on the Event decoded into");
  }
  return 0;
}
