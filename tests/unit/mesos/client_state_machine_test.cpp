// One test per transition of the client's state machine, driven by a fake transport and a manual
// clock (no sockets, no sleeps).
#include "scheduler/mesos/client_state_machine.h"

#include <gtest/gtest.h>

#include "tests/unit/mesos/fake_transport.h"

namespace scale::mesos {
namespace {

using namespace std::chrono_literals;
using testing::FakeTransport;
using testing::record;
using testing::SettableMasterSource;

constexpr const char* kEndpoint = "http://m1:5050/api/v1/scheduler";

class ClientStateMachineTest : public ::testing::Test {
 protected:
  ClientStateMachineTest()
      : source_("http://m1:5050"),
        machine_(
            options(), source_, transport_,
            [this](Notification n) { notifications_.push_back(std::move(n)); },
            [this] { return now_; }, [this] { ++deadline_moves_; }) {
    transport_.set_listener(&machine_);
  }

  static ClientOptions options() {
    ClientOptions o;
    o.framework.user = "u";
    o.framework.name = "n";
    o.backoff_initial = 100ms;
    o.backoff_max = 1000ms;
    o.subscribe_timeout = 2000ms;
    o.max_redirects = 2;
    return o;
  }

  // Start and get to SUBSCRIBED on connection 1 with stream id "stream-1".
  void subscribe(const std::optional<std::string>& framework_id = std::nullopt,
                 double heartbeat = 15.0) {
    machine_.start(framework_id);
    respond_200(machine_.connection(), "stream-1");
    machine_.on_stream_bytes(machine_.connection(), testing::subscribed_record("F-1", heartbeat));
    ASSERT_EQ(machine_.state(), ConnectionState::Subscribed);
  }

  void respond_200(uint64_t connection, const std::string& stream_id) {
    machine_.on_subscribe_response(connection, {200, stream_id, "", ""});
  }

  void advance(Clock::duration d) {
    now_ += d;
    machine_.tick();
  }

  template <typename T>
  int count() const {
    int n = 0;
    for (const auto& x : notifications_) n += std::holds_alternative<T>(x);
    return n;
  }

  Clock::time_point now_ = Clock::time_point() + 1000h;
  FakeTransport transport_;
  SettableMasterSource source_;
  std::vector<Notification> notifications_;
  int deadline_moves_ = 0;  // times the driver would have been woken
  ClientStateMachine machine_;
};

TEST_F(ClientStateMachineTest, DisconnectedToConnectedToSubscribingOnStart) {
  EXPECT_EQ(machine_.state(), ConnectionState::Disconnected);
  machine_.start(std::nullopt);
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribing);
  ASSERT_EQ(transport_.subscribes.size(), 1u);
  EXPECT_EQ(transport_.subscribes[0].url, kEndpoint);
  EXPECT_EQ(transport_.subscribes[0].body.find("framework_id"), std::string::npos);
}

TEST_F(ClientStateMachineTest, ResubscriptionCarriesBothFrameworkIds) {
  machine_.start(std::string("F-old"));
  const std::string& body = transport_.subscribes.at(0).body;
  EXPECT_NE(body.find(R"("framework_id":{"value":"F-old"})"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("id":{"value":"F-old"})"), std::string::npos) << body;
}

// While no master is known nothing is sent; the first one detected is tried at the next tick.
TEST_F(ClientStateMachineTest, DisconnectedWhileNoMasterIsKnownWaitsForOne) {
  source_.set(std::nullopt);
  machine_.start(std::nullopt);
  EXPECT_EQ(machine_.state(), ConnectionState::Disconnected);
  advance(500ms);
  EXPECT_TRUE(transport_.subscribes.empty());
  source_.set("http://m1:5050");
  advance(10ms);
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribing);
  EXPECT_EQ(transport_.subscribes.size(), 1u);
}

// A master failover seen while backing off from the old master: the new one is tried at once.
TEST_F(ClientStateMachineTest, DisconnectedToANewLeadingMasterWithoutWaitingOutTheBackoff) {
  subscribe();
  machine_.on_stream_closed(machine_.connection(), "end of stream");
  advance(100ms);  // the first retry goes to the old master: refused
  ASSERT_EQ(transport_.subscribes.size(), 2u);
  machine_.on_subscribe_response(machine_.connection(), {0, "", "", "connection refused"});
  ASSERT_EQ(machine_.state(), ConnectionState::Disconnected);
  source_.set("http://m2:5051");
  advance(10ms);  // well within the doubled backoff
  ASSERT_EQ(transport_.subscribes.size(), 3u);
  EXPECT_EQ(transport_.subscribes.back().url, "http://m2:5051/api/v1/scheduler");
}

TEST_F(ClientStateMachineTest, SubscribingToSubscribedOnFirstSubscribedEvent) {
  machine_.start(std::nullopt);
  respond_200(1, "stream-1");
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribing);  // 200 alone is not enough
  std::string bytes = testing::subscribed_record("F-1") + record(R"({"type":"HEARTBEAT"})");
  machine_.on_stream_bytes(1, bytes.substr(0, 7));
  machine_.on_stream_bytes(1, bytes.substr(7));
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribed);
  EXPECT_EQ(machine_.framework_id(), std::optional<std::string>("F-1"));
  ASSERT_EQ(notifications_.size(), 2u);
  EXPECT_EQ(std::get<Event>(notifications_[0]).type, EventType::Subscribed);
  EXPECT_EQ(std::get<Event>(notifications_[1]).type, EventType::Heartbeat);
}

TEST_F(ClientStateMachineTest, SubscribingFollows307ToProtocolRelativeLocation) {
  machine_.start(std::nullopt);
  machine_.on_subscribe_response(1, {307, "", "//m2:5051/api/v1/scheduler", ""});
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribing);
  ASSERT_EQ(transport_.subscribes.size(), 2u);
  EXPECT_EQ(transport_.subscribes[1].url, "http://m2:5051/api/v1/scheduler");
  EXPECT_EQ(transport_.subscribes[1].connection, 2u);
  // A late answer on the first connection is recognised as stale.
  respond_200(1, "stale");
  machine_.on_stream_bytes(1, testing::subscribed_record("F-stale"));
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribing);
  respond_200(2, "stream-2");
  machine_.on_stream_bytes(2, testing::subscribed_record("F-1"));
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribed);
  ASSERT_TRUE(machine_.send_call(CallType::Revive, [](const std::string&) { return "{}"; }));
  EXPECT_EQ(transport_.calls.at(0).url, "http://m2:5051/api/v1/scheduler");
}

TEST_F(ClientStateMachineTest, SubscribingToDisconnectedAfterTooManyRedirects) {
  machine_.start(std::nullopt);
  for (uint64_t c = 1; c <= 3; ++c) {
    machine_.on_subscribe_response(c, {307, "", "//m1:5050/api/v1/scheduler", ""});
  }
  EXPECT_EQ(machine_.state(), ConnectionState::Disconnected);
  EXPECT_EQ(transport_.subscribes.size(), 3u);
  advance(100ms);  // backoff, then the detected master again
  EXPECT_EQ(transport_.subscribes.size(), 4u);
  EXPECT_EQ(transport_.subscribes.back().url, kEndpoint);
}

TEST_F(ClientStateMachineTest, SubscribingToDisconnectedOn503WithBackoff) {
  machine_.start(std::nullopt);
  machine_.on_subscribe_response(1, {503, "", "", "No leader elected"});
  EXPECT_EQ(machine_.state(), ConnectionState::Disconnected);
  advance(99ms);
  EXPECT_EQ(transport_.subscribes.size(), 1u);
  advance(1ms);
  EXPECT_EQ(transport_.subscribes.size(), 2u);
  machine_.on_subscribe_response(2, {0, "", "", "connection refused"});
  advance(199ms);
  EXPECT_EQ(transport_.subscribes.size(), 2u);  // the backoff doubled
  advance(1ms);
  EXPECT_EQ(transport_.subscribes.size(), 3u);
}

TEST_F(ClientStateMachineTest, SubscribingToTerminatedOnMalformedRequest) {
  machine_.start(std::nullopt);
  machine_.on_subscribe_response(1, {415, "", "", "unsupported media type"});
  EXPECT_EQ(machine_.state(), ConnectionState::Terminated);
  ASSERT_TRUE(machine_.terminal_error());
  EXPECT_EQ(count<TerminalError>(), 1);
  advance(1h);
  EXPECT_EQ(transport_.subscribes.size(), 1u);
}

TEST_F(ClientStateMachineTest, SubscribingToTerminatedOnErrorAsFirstRecord) {
  machine_.start(std::string("F-gone"));
  respond_200(1, "stream-1");
  machine_.on_stream_bytes(1, testing::error_record("Framework has been removed"));
  EXPECT_EQ(machine_.state(), ConnectionState::Terminated);
  EXPECT_NE(machine_.terminal_error()->message.find("Framework has been removed"),
            std::string::npos);
  advance(1h);
  EXPECT_EQ(transport_.subscribes.size(), 1u);
}

TEST_F(ClientStateMachineTest, SubscribingToDisconnectedWhenSubscribedNeverComes) {
  machine_.start(std::nullopt);
  respond_200(1, "stream-1");
  advance(2000ms);
  EXPECT_EQ(machine_.state(), ConnectionState::Disconnected);
  EXPECT_EQ(transport_.closed, std::vector<uint64_t>{1});
}

TEST_F(ClientStateMachineTest, SubscribedToDisconnectedOnStreamEofThenResubscribesWithId) {
  subscribe();
  machine_.on_stream_closed(1, "end of stream");
  EXPECT_EQ(machine_.state(), ConnectionState::Disconnected);
  EXPECT_EQ(count<Disconnected>(), 1);
  EXPECT_FALSE(machine_.send_call(CallType::Revive, [](const std::string&) { return "{}"; }));
  advance(100ms);
  ASSERT_EQ(transport_.subscribes.size(), 2u);
  const std::string& body = transport_.subscribes[1].body;
  EXPECT_NE(body.find(R"("framework_id":{"value":"F-1"})"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("id":{"value":"F-1"})"), std::string::npos) << body;
}

// Found by the fuzzer (tests/fuzz): an absurd interval would overflow the watchdog's clock maths
// and never fire. The default (15 s) is used instead.
TEST_F(ClientStateMachineTest, AbsurdHeartbeatIntervalFallsBackToTheDefault) {
  subscribe(std::nullopt, 1e10);
  advance(74s);
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribed);
  advance(2s);
  EXPECT_EQ(machine_.state(), ConnectionState::Disconnected);
}

TEST_F(ClientStateMachineTest, SubscribedToDisconnectedAfterFiveSilentHeartbeats) {
  subscribe(std::nullopt, 1.0);
  advance(4900ms);
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribed);
  machine_.on_stream_bytes(1, record(R"({"type":"HEARTBEAT"})"));
  advance(4900ms);
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribed);
  advance(100ms);
  EXPECT_EQ(machine_.state(), ConnectionState::Disconnected);
  EXPECT_EQ(transport_.closed, std::vector<uint64_t>{1});
  advance(100ms);
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribing);
}

TEST_F(ClientStateMachineTest, SubscribedToTerminatedOnFrameworkFailedOver) {
  subscribe();
  machine_.on_stream_bytes(1, testing::error_record("Framework failed over"));
  EXPECT_EQ(machine_.state(), ConnectionState::Terminated);
  EXPECT_EQ(machine_.terminal_error()->message, "Framework failed over");
  EXPECT_EQ(count<TerminalError>(), 1);
  machine_.on_stream_closed(1, "end of stream");
  advance(1h);
  EXPECT_EQ(transport_.subscribes.size(), 1u);  // never retried
}

TEST_F(ClientStateMachineTest, SubscribedToDisconnectedOnOtherErrorEvent) {
  subscribe();
  machine_.on_stream_bytes(1, testing::error_record("Something transient"));
  EXPECT_EQ(machine_.state(), ConnectionState::Disconnected);
  EXPECT_FALSE(machine_.terminal_error());
  advance(100ms);
  EXPECT_EQ(transport_.subscribes.size(), 2u);
}

TEST_F(ClientStateMachineTest, SubscribedToSubscribingOnLeaderChange) {
  subscribe();
  source_.set("http://m2:5050");
  advance(1ms);
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribing);
  EXPECT_EQ(transport_.subscribes.back().url, "http://m2:5050/api/v1/scheduler");
  EXPECT_EQ(transport_.closed, std::vector<uint64_t>{1});
  EXPECT_EQ(count<Disconnected>(), 1);
}

TEST_F(ClientStateMachineTest, SubscribedToDisconnectedOnCorruptStream) {
  subscribe();
  machine_.on_stream_bytes(1, "12x\n");
  EXPECT_EQ(machine_.state(), ConnectionState::Disconnected);
  EXPECT_EQ(transport_.closed, std::vector<uint64_t>{1});
  advance(100ms);
  EXPECT_EQ(machine_.state(), ConnectionState::Subscribing);
  EXPECT_EQ(transport_.subscribes.back().connection, 2u);
}

TEST_F(ClientStateMachineTest, AnyStateToTerminatedOnStop) {
  subscribe();
  machine_.stop();
  EXPECT_EQ(machine_.state(), ConnectionState::Terminated);
  EXPECT_EQ(transport_.closed, std::vector<uint64_t>{1});
  EXPECT_FALSE(machine_.terminal_error());  // stopping is not an error
  machine_.on_stream_bytes(1, record(R"({"type":"HEARTBEAT"})"));
  EXPECT_EQ(count<Event>(), 1);  // only SUBSCRIBED
}

TEST_F(ClientStateMachineTest, CallsNeedSubscribedAndCarryTheCurrentStreamId) {
  machine_.start(std::nullopt);
  auto encoder = [](const std::string& fid) { return "fid=" + fid; };
  EXPECT_FALSE(machine_.send_call(CallType::Kill, encoder));
  respond_200(1, "stream-1");
  EXPECT_FALSE(machine_.send_call(CallType::Kill, encoder));
  machine_.on_stream_bytes(1, testing::subscribed_record("F-1"));
  ASSERT_TRUE(machine_.send_call(CallType::Kill, encoder));
  ASSERT_EQ(transport_.calls.size(), 1u);
  EXPECT_EQ(transport_.calls[0].stream_id, "stream-1");
  EXPECT_EQ(transport_.calls[0].body, "fid=F-1");
  EXPECT_EQ(transport_.calls[0].url, kEndpoint);
  // After a resubscription the new stream id is used and old answers are dropped.
  machine_.on_stream_closed(1, "eof");
  advance(100ms);
  respond_200(2, "stream-2");
  machine_.on_stream_bytes(2, testing::subscribed_record("F-1"));
  ASSERT_TRUE(machine_.send_call(CallType::Kill, encoder));
  EXPECT_EQ(transport_.calls[1].stream_id, "stream-2");
  machine_.on_call_response(1, CallType::Kill, 400, "stream ID didn't match");
  EXPECT_EQ(count<CallRejected>(), 0);
  machine_.on_call_response(2, CallType::Kill, 202, "");
  machine_.on_call_response(2, CallType::Kill, 403, "Framework is not subscribed");
  EXPECT_EQ(count<CallRejected>(), 1);
}

TEST_F(ClientStateMachineTest, EventsAreDeliveredInStreamOrder) {
  subscribe();
  std::string bytes =
      record(R"({"type":"OFFERS","offers":{"offers":[{"id":{"value":"O1"}}]}})") +
      record(R"({"type":"RESCIND","rescind":{"offer_id":{"value":"O1"}}})") +
      record(
          R"({"type":"UPDATE","update":{"status":{"task_id":{"value":"t"},"state":"TASK_RUNNING"}}})");
  machine_.on_stream_bytes(1, bytes);
  ASSERT_EQ(notifications_.size(), 4u);
  EXPECT_EQ(std::get<Event>(notifications_[1]).type, EventType::Offers);
  EXPECT_EQ(std::get<Event>(notifications_[2]).type, EventType::Rescind);
  EXPECT_EQ(std::get<Event>(notifications_[3]).type, EventType::Update);
}

}  // namespace
}  // namespace scale::mesos

namespace scale::mesos {
namespace {

// The driver thread sleeps until next_deadline(); nothing is due before start or after stop.
TEST_F(ClientStateMachineTest, NoDeadlineBeforeStartOrAfterStop) {
  EXPECT_EQ(machine_.next_deadline(), Clock::time_point::max());
  subscribe();
  EXPECT_EQ(machine_.next_deadline(), now_ + 5 * 15s);
  machine_.stop();
  EXPECT_EQ(machine_.next_deadline(), Clock::time_point::max());
}

// An input that brings the deadline forward wakes the driver once; one that pushes it back (an
// event feeding the watchdog) does not.
TEST_F(ClientStateMachineTest, TheDriverIsWokenOnlyWhenTheDeadlineComesEarlier) {
  machine_.start(std::nullopt);
  EXPECT_EQ(machine_.next_deadline(), now_ + 2000ms);  // the subscribe timeout
  const int before = deadline_moves_;
  machine_.on_subscribe_response(machine_.connection(), {503, "", "", "busy"});
  EXPECT_EQ(deadline_moves_, before + 1);
  EXPECT_EQ(machine_.next_deadline(), now_ + 100ms);  // the backoff
  advance(100ms);
  respond_200(machine_.connection(), "stream-1");
  machine_.on_stream_bytes(machine_.connection(), testing::subscribed_record("F-1", 15.0));
  ASSERT_EQ(machine_.state(), ConnectionState::Subscribed);
  EXPECT_EQ(machine_.next_deadline(), now_ + 5 * 15s);
  const int subscribed = deadline_moves_;
  now_ += 1s;
  machine_.on_stream_bytes(machine_.connection(), record(R"({"type":"HEARTBEAT"})"));
  EXPECT_EQ(deadline_moves_, subscribed);
}

// Calls the send gate holds back are offered to it again held_call_retry later, and again only
// if the transport says they are still held.
TEST_F(ClientStateMachineTest, HeldCallsAreReleasedAfterTheRetryInterval) {
  subscribe();
  advance(10s);
  EXPECT_EQ(transport_.releases, 0);
  machine_.next_deadline();
  const int before = deadline_moves_;
  transport_.listener().on_calls_held();
  EXPECT_EQ(deadline_moves_, before + 1);
  EXPECT_EQ(machine_.next_deadline(), now_ + 50ms);
  advance(49ms);
  EXPECT_EQ(transport_.releases, 0);
  advance(1ms);
  EXPECT_EQ(transport_.releases, 1);
  advance(50ms);
  EXPECT_EQ(transport_.releases, 1);
  EXPECT_EQ(machine_.next_deadline(), now_ - 10s - 100ms + 5 * 15s);
}

}  // namespace
}  // namespace scale::mesos
