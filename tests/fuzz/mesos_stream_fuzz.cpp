// The whole subscription stream path: arbitrary bytes as the body of a 200 SUBSCRIBE answer, cut
// into arbitrary chunks, through the client's state machine (RecordIO -> decode_event -> state
// transitions -> notifications), then time passing (heartbeat watchdog, reconnect) and the calls
// the owner sends back with what the stream carried. Whatever the bytes:
// - no crash, no undefined behaviour (the advertised heartbeat interval included), and stack use
//   that does not grow with the input (the first run is on a small stack, see fuzz_support.h);
// - chunked delivery gives the same notifications, state and framework id as the whole body;
// - no event reaches the owner before SUBSCRIBED, and SUBSCRIBED state has a framework id;
// - the calls built from stream values (ids, uuids) are well-formed JSON.

#include <glog/logging.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scheduler/mesos/call_codec.h"
#include "scheduler/mesos/client_state_machine.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/unit/mesos/fake_transport.h"

namespace {

using namespace std::chrono_literals;
using scale::mesos::ClientOptions;
using scale::mesos::ClientStateMachine;
using scale::mesos::Clock;
using scale::mesos::ConnectionState;
using scale::mesos::Event;
using scale::mesos::EventType;
using scale::mesos::Notification;

struct Run {
  std::vector<std::string> notifications;  // one line each, comparable across runs
  ConnectionState state = ConnectionState::Disconnected;
  std::optional<std::string> framework_id;
  std::vector<Event> updates_to_acknowledge;
};

std::string describe(const Notification& n) {
  if (const auto* e = std::get_if<Event>(&n)) {
    return std::string("event ") + scale::mesos::to_string(e->type) + " " + e->type_name;
  }
  if (const auto* d = std::get_if<scale::mesos::Disconnected>(&n)) return "lost " + d->reason;
  if (const auto* t = std::get_if<scale::mesos::TerminalError>(&n)) return "terminal " + t->message;
  return "call rejected";
}

void check_json(const std::string& body, const char* what) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  FUZZ_CHECK(!doc.HasParseError() && doc.IsObject(), std::string(what) + " is not JSON: " + body);
}

Run run(std::string_view stream, const std::vector<size_t>& chunks) {
  scale::mesos::testing::FakeTransport transport;
  scale::mesos::testing::SettableMasterSource source(std::string("http://m1:5050"));
  Clock::time_point now = Clock::time_point() + 1000h;
  Run result;
  ClientOptions options;
  options.framework.user = "u";
  options.framework.name = "n";
  ClientStateMachine machine(
      options, source, transport,
      [&](Notification n) {
        result.notifications.push_back(describe(n));
        if (auto* e = std::get_if<Event>(&n); e && e->type == EventType::Update && e->status.uuid) {
          result.updates_to_acknowledge.push_back(std::move(*e));
        }
      },
      [&] { return now; });
  transport.set_listener(&machine);
  machine.start(std::nullopt);
  const uint64_t connection = machine.connection();
  machine.on_subscribe_response(connection, {200, "stream-1", "", ""});

  size_t pos = 0;
  for (size_t size : chunks) {
    machine.on_stream_bytes(connection, stream.substr(pos, size));
    pos += size;
  }
  result.state = machine.state();
  result.framework_id = machine.framework_id();

  if (result.state == ConnectionState::Subscribed) {
    FUZZ_CHECK(result.framework_id && !result.framework_id->empty(), "SUBSCRIBED without an id");
    // The watchdog's deadline comes from the advertised interval; it cannot lie in the past.
    FUZZ_CHECK(machine.next_deadline() >= now, "heartbeat deadline lies in the past");
    FUZZ_CHECK(machine.send_call(
                   scale::mesos::CallType::Revive,
                   [](const std::string& id) { return scale::mesos::encode_revive(id, {}); }),
               "a call refused while SUBSCRIBED");
    check_json(transport.calls.back().body, "REVIVE");
    for (const Event& update : result.updates_to_acknowledge) {
      const auto& s = update.status;
      check_json(
          scale::mesos::encode_acknowledge(*result.framework_id, s.agent_id, s.task_id, *s.uuid),
          "ACKNOWLEDGE");
    }
  }
  // Time passes: a silent stream must be given up, and a lost one reconnected, without UB in the
  // deadline arithmetic.
  for (int i = 0; i < 3; ++i) {
    now += 1h;
    machine.tick();
  }
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Every disconnect logs at INFO or WARNING; on stderr that would cost more than the work.
  FLAGS_minloglevel = google::GLOG_FATAL;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream = scale::fuzz::as_text(data, size);
  Run whole;
  auto run_whole = [&] { whole = run(stream, {stream.size()}); };
  scale::fuzz::on_small_stack(run_whole);
  if (!whole.notifications.empty() && whole.notifications[0].rfind("event ", 0) == 0) {
    FUZZ_CHECK(whole.notifications[0].rfind("event SUBSCRIBED", 0) == 0,
               "first event delivered was " + whole.notifications[0]);
  }
  const Run chunked = run(stream, scale::fuzz::chunk_sizes(stream, 48));
  FUZZ_CHECK(chunked.notifications == whole.notifications, "chunking changed the notifications");
  FUZZ_CHECK(chunked.state == whole.state, "chunking changed the final state");
  FUZZ_CHECK(chunked.framework_id == whole.framework_id, "chunking changed the framework id");
  return 0;
}
