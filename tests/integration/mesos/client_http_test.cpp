// The real client (its Beast transport) against a scripted fake master over loopback HTTP.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>

#include "scheduler/mesos/http_mesos_connection.h"
#include "tests/integration/mesos/fake_master.h"
#include "tests/integration/mesos/notification_log.h"

namespace scale::mesos {
namespace {

using namespace std::chrono_literals;
using testing::FakeMaster;
using testing::HttpReply;
using testing::HttpRequest;
using testing::NotificationLog;

constexpr auto kWait = 10s;

std::string record(const std::string& json) {
  return std::to_string(json.size()) + "\n" + json;
}

std::string subscribed(const std::string& framework_id, double heartbeat = 15.0) {
  return record(R"({"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":")" + framework_id +
                R"("},"heartbeat_interval_seconds":)" + std::to_string(heartbeat) + "}}");
}

// Answers SUBSCRIBE with a stream (stream ids sid-1, sid-2, ...) and every other call with 202.
FakeMaster::Handler streaming_master() {
  auto streams = std::make_shared<std::atomic<int>>(0);
  return [streams](const HttpRequest& request) {
    HttpReply reply;
    if (request.body.find(R"("type":"SUBSCRIBE")") != std::string::npos) {
      reply.status = 200;
      reply.stream = true;
      reply.headers.push_back({"Mesos-Stream-Id", "sid-" + std::to_string(++*streams)});
    }
    return reply;
  };
}

// streaming_master() that holds every ACKNOWLEDGE unanswered until release(). The destructor
// releases them before the master joins its threads, so an assertion that ends a test early never
// leaves a request blocked.
class AckHoldingMaster {
 public:
  AckHoldingMaster() : master(hold_acknowledgements(open_, held_)) {}
  ~AckHoldingMaster() { release(); }
  AckHoldingMaster(const AckHoldingMaster&) = delete;
  AckHoldingMaster& operator=(const AckHoldingMaster&) = delete;

  int held() const { return *held_; }  // ACKNOWLEDGEs received, not answered
  void release() {
    if (!released_) gate_->set_value();
    released_ = true;
  }

 private:
  static FakeMaster::Handler hold_acknowledgements(std::shared_future<void> open,
                                                   std::shared_ptr<std::atomic<int>> held) {
    return [base = streaming_master(), open, held](const HttpRequest& request) {
      if (request.body.find(R"("type":"ACKNOWLEDGE")") != std::string::npos) {
        ++*held;
        open.wait();
      }
      return base(request);
    };
  }

  std::shared_ptr<std::promise<void>> gate_ = std::make_shared<std::promise<void>>();
  std::shared_future<void> open_ = gate_->get_future().share();
  std::shared_ptr<std::atomic<int>> held_ = std::make_shared<std::atomic<int>>(0);
  bool released_ = false;

 public:
  FakeMaster master;  // last: destroyed first, after the destructor released what it holds
};

std::unique_ptr<MesosConnection> make_client(
    const std::string& master,
    const std::function<void(HttpMesosConnectionOptions&)>& adjust = nullptr) {
  HttpMesosConnectionOptions options;
  options.master = master;
  options.client.client.framework.user = "svc-sched";
  options.client.client.framework.name = "scale-test";
  options.client.client.backoff_initial = 50ms;
  options.client.client.backoff_max = 500ms;
  options.zk_session_timeout = 4000ms;
  if (adjust) adjust(options);
  return make_http_mesos_connection(options);
}

bool wait_state(MesosConnection& client, ConnectionState state) {
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (std::chrono::steady_clock::now() < deadline) {
    if (client.state() == state) return true;
    std::this_thread::sleep_for(5ms);  // polling with a deadline
  }
  return false;
}

struct SubscribedClient {
  std::unique_ptr<MesosConnection> client;
  std::shared_ptr<testing::FakeStream> stream;
};

// Starts a client without a framework id and answers its SUBSCRIBE as framework F-1.
::testing::AssertionResult subscribe_client(
    FakeMaster& master, NotificationLog& log, SubscribedClient& out,
    const std::function<void(HttpMesosConnectionOptions&)>& adjust = nullptr) {
  out.client = make_client(master.base_url(), adjust);
  out.client->start(std::nullopt, log.callback());
  out.stream = master.wait_stream(0, kWait);
  if (!out.stream) return ::testing::AssertionFailure() << "no SUBSCRIBE reached the master";
  if (!out.stream->send_chunk(subscribed("F-1")))
    return ::testing::AssertionFailure() << "the client closed the stream";
  if (!wait_state(*out.client, ConnectionState::Subscribed))
    return ::testing::AssertionFailure() << "the client did not reach SUBSCRIBED";
  return ::testing::AssertionSuccess();
}

size_t count_calls(const std::vector<HttpRequest>& requests, const std::string& type) {
  size_t n = 0;
  for (const auto& r : requests) n += r.body.find("\"type\":\"" + type + "\"") != std::string::npos;
  return n;
}

TEST(MesosClientHttp, SubscribeStreamIsDecodedIncrementallyAcrossChunks) {
  FakeMaster master(streaming_master());
  NotificationLog log;
  auto client = make_client(master.base_url());
  client->start(std::nullopt, log.callback());
  auto stream = master.wait_stream(0, kWait);
  ASSERT_TRUE(stream);

  HttpRequest subscribe = master.requests().at(0);
  EXPECT_EQ(subscribe.method, "POST");
  EXPECT_EQ(subscribe.path, "/api/v1/scheduler");
  EXPECT_EQ(subscribe.header("content-type"), "application/json");
  EXPECT_EQ(subscribe.header("accept"), "application/json");
  EXPECT_EQ(subscribe.header("mesos-stream-id"), "");
  EXPECT_NE(subscribe.body.find(R"("checkpoint":true)"), std::string::npos);

  // SUBSCRIBED cut in three chunks plus the start of the next record: the client must act on it
  // while the stream (and that record) is still open.
  std::string first = subscribed("F-1");
  std::string offers = record(R"({"type":"OFFERS","offers":{"offers":[{"id":{"value":"O-1"},)"
                              R"("agent_id":{"value":"S1"},"hostname":"a"}]}})");
  ASSERT_TRUE(stream->send_chunk(first.substr(0, 3)));
  ASSERT_TRUE(stream->send_chunk(first.substr(3, 20)));
  ASSERT_TRUE(stream->send_chunk(first.substr(23) + offers.substr(0, 10)));
  ASSERT_TRUE(log.wait_event(EventType::Subscribed, kWait));
  EXPECT_EQ(client->state(), ConnectionState::Subscribed);
  EXPECT_EQ(client->framework_id(), std::optional<std::string>("F-1"));
  for (size_t i = 10; i < offers.size(); ++i) ASSERT_TRUE(stream->send_chunk(offers.substr(i, 1)));
  ASSERT_TRUE(log.wait_event(EventType::Offers, kWait));
  auto events = log.snapshot();
  EXPECT_EQ(std::get<Event>(events.back()).offers.at(0).id, "O-1");
  client->stop();
}

TEST(MesosClientHttp, CallsCarryTheCurrentStreamIdOnTheirOwnConnection) {
  FakeMaster master(streaming_master());
  NotificationLog log;
  SubscribedClient subscription;
  ASSERT_TRUE(subscribe_client(master, log, subscription));
  auto& client = subscription.client;
  auto& stream = subscription.stream;

  ASSERT_TRUE(client->decline({"O-1"}, 60.0));
  ASSERT_TRUE(client->reconcile({}));
  ASSERT_TRUE(
      master.wait_requests([](auto& r) { return count_calls(r, "RECONCILE") == 1; }, kWait));
  auto requests = master.requests();
  for (const auto& r : requests) {
    if (r.body.find(R"("type":"SUBSCRIBE")") != std::string::npos) continue;
    EXPECT_EQ(r.header("mesos-stream-id"), "sid-1") << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_NE(r.connection, requests[0].connection) << "calls must not use the stream connection";
  }
  // Calls go out in the order they were made.
  EXPECT_NE(requests[1].body.find("DECLINE"), std::string::npos);
  EXPECT_NE(requests[2].body.find("RECONCILE"), std::string::npos);

  // The stream ends: the client resubscribes with its framework id and uses the new stream id.
  stream->end();
  ASSERT_TRUE(log.wait_kind<Disconnected>(kWait));
  auto second = master.wait_stream(1, kWait);
  ASSERT_TRUE(second);
  HttpRequest resubscribe = master.requests().back();
  EXPECT_NE(resubscribe.body.find(R"("framework_id":{"value":"F-1"})"), std::string::npos);
  EXPECT_NE(resubscribe.body.find(R"("id":{"value":"F-1"})"), std::string::npos);
  ASSERT_TRUE(second->send_chunk(subscribed("F-1")));
  ASSERT_TRUE(wait_state(*client, ConnectionState::Subscribed));
  ASSERT_TRUE(client->kill("t-1", "S1"));
  ASSERT_TRUE(master.wait_requests([](auto& r) { return count_calls(r, "KILL") == 1; }, kWait));
  EXPECT_EQ(master.requests().back().header("mesos-stream-id"), "sid-2");
  client->stop();
}

TaskStatus reliable_update(int task) {
  TaskStatus status;
  status.task_id = "t-" + std::to_string(task);
  status.agent_id = "S1";
  status.state = "TASK_RUNNING";
  status.uuid = "3q2+7wAAAAAAAAAAAAAA" + std::to_string(1000 + task);
  return status;
}

// Acknowledgements do not wait for each other: while the master holds the first ones unanswered,
// more arrive on other connections. A redelivered update's acknowledgement is sent again once the
// first one was answered (that a pending one is not sent twice: call_lanes_test).
TEST(MesosClientHttp, AcknowledgementsGoInParallelAndPendingDuplicatesAreDropped) {
  AckHoldingMaster holding;
  FakeMaster& master = holding.master;
  NotificationLog log;
  SubscribedClient subscription;
  ASSERT_TRUE(subscribe_client(master, log, subscription));
  auto& client = subscription.client;

  for (int task = 1; task <= 12; ++task) ASSERT_TRUE(client->acknowledge(reliable_update(task)));
  ASSERT_TRUE(client->acknowledge(reliable_update(1)));  // redelivered while the first is pending
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (holding.held() < 4 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  ASSERT_GE(holding.held(), 4) << "acknowledgements were sent one at a time";
  holding.release();
  ASSERT_TRUE(
      master.wait_requests([](auto& r) { return count_calls(r, "ACKNOWLEDGE") == 12; }, kWait));

  // Answered: the same acknowledgement goes out again when Mesos redelivers once more (the
  // client learns of the answer just after the master logs the request: redeliver until seen).
  const auto again = std::chrono::steady_clock::now() + kWait;
  bool resent = false;
  while (!resent && std::chrono::steady_clock::now() < again) {
    ASSERT_TRUE(client->acknowledge(reliable_update(1)));
    resent =
        master.wait_requests([](auto& r) { return count_calls(r, "ACKNOWLEDGE") > 12; }, 100ms);
  }
  EXPECT_TRUE(resent);
  client->stop();
}

// The in-flight gauge counts what is on the wire without an answer, lane by lane, and what waits
// behind a full window as queued; both drop to zero once the master answers.
TEST(MesosClientHttp, CallLoadCountsUnansweredCallsByLane) {
  AckHoldingMaster holding;
  FakeMaster& master = holding.master;
  NotificationLog log;
  SubscribedClient subscription;
  ASSERT_TRUE(subscribe_client(master, log, subscription,
                               [](auto& options) { options.transport.ack_window = 3; }));
  auto& client = subscription.client;
  EXPECT_EQ(client->call_load(), CallLoad{});

  for (int task = 1; task <= 5; ++task) ASSERT_TRUE(client->acknowledge(reliable_update(task)));
  const auto ack = static_cast<size_t>(CallLane::Acknowledge);
  const auto loaded = [&] {
    const CallLoad load = client->call_load();
    return holding.held() == 3 && load.in_flight[ack] == 3 && load.queued[ack] == 2;
  };
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!loaded() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  const CallLoad load = client->call_load();
  EXPECT_EQ(load.in_flight[ack], 3u);  // the window
  EXPECT_EQ(load.queued[ack], 2u);     // behind it
  EXPECT_EQ(load.in_flight[static_cast<size_t>(CallLane::Offer)], 0u);

  holding.release();
  const auto drained = std::chrono::steady_clock::now() + kWait;
  while (client->call_load() != CallLoad{} && std::chrono::steady_clock::now() < drained) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(client->call_load(), CallLoad{});
  EXPECT_EQ(count_calls(master.requests(), "ACKNOWLEDGE"), 5u);
  client->stop();
}

// The send gate (the leader's term) is asked right before each request is written: while it is
// closed not a byte reaches the master, the calls wait in order, and they go when it opens.
TEST(MesosClientHttp, ASendGateHoldsEveryCallUntilItOpens) {
  FakeMaster master(streaming_master());
  NotificationLog log;
  SubscribedClient subscription;
  auto open = std::make_shared<std::atomic<bool>>(true);
  ASSERT_TRUE(subscribe_client(master, log, subscription, [open](auto& options) {
    options.transport.may_send = [open] { return open->load(); };
  }));
  auto& client = subscription.client;
  const size_t before = master.requests().size();
  open->store(false);
  ASSERT_TRUE(client->decline({"O-1"}, 60.0));
  ASSERT_TRUE(client->revive({"*"}));
  ASSERT_TRUE(client->kill("t-1", "S1"));
  EXPECT_FALSE(master.wait_requests([&](auto& r) { return r.size() > before; }, 500ms))
      << "a call went out through a closed gate";
  open->store(true);
  ASSERT_TRUE(master.wait_requests([&](auto& r) { return r.size() == before + 3; }, kWait));
  const auto requests = master.requests();
  EXPECT_EQ(count_calls(requests, "DECLINE"), 1u);
  // The ordered lane keeps its order behind the offer call: DECLINE, REVIVE, KILL.
  EXPECT_NE(requests[before + 1].body.find(R"("type":"REVIVE")"), std::string::npos);
  EXPECT_NE(requests[before + 2].body.find(R"("type":"KILL")"), std::string::npos);
  client->stop();
}

// A closed gate also holds a SUBSCRIBE back: the client retries with backoff and subscribes once
// the gate opens.
TEST(MesosClientHttp, ASendGateHoldsTheSubscriptionBack) {
  FakeMaster master(streaming_master());
  NotificationLog log;
  auto open = std::make_shared<std::atomic<bool>>(false);
  auto client = make_client(master.base_url(), [open](auto& options) {
    options.transport.may_send = [open] { return open->load(); };
  });
  client->start(std::nullopt, log.callback());
  EXPECT_FALSE(master.wait_requests([](auto& r) { return !r.empty(); }, 300ms));
  open->store(true);
  ASSERT_TRUE(master.wait_stream(0, kWait));
  client->stop();
}

// HTTP basic authentication: the same header on the subscription and on every call.
TEST(MesosClientHttp, CredentialsGoOnTheSubscriptionAndOnEveryCall) {
  FakeMaster master(streaming_master());
  NotificationLog log;
  SubscribedClient subscription;
  ASSERT_TRUE(subscribe_client(master, log, subscription, [](auto& options) {
    options.transport.principal = "sched";
    options.transport.secret = "pw";
  }));
  ASSERT_TRUE(subscription.client->reconcile({}));
  ASSERT_TRUE(
      master.wait_requests([](auto& r) { return count_calls(r, "RECONCILE") == 1; }, kWait));
  for (const auto& request : master.requests())
    EXPECT_EQ(request.header("authorization"), "Basic c2NoZWQ6cHc=") << request.body;
  subscription.client->stop();
}

// A master refusing the credentials: 401 with a sentence as body (as a real master answers). The
// client stops for good with the master's words, and asks once.
TEST(MesosClientHttp, A401OnSubscribeIsTerminalAndCarriesTheMastersAnswer) {
  FakeMaster master([](const HttpRequest&) {
    HttpReply reply;
    reply.status = 401;
    reply.headers.push_back({"WWW-Authenticate", R"(Basic realm="mesos-master-scheduler")"});
    reply.body = "401 Unauthorized.";
    return reply;
  });
  NotificationLog log;
  auto client = make_client(master.base_url(), [](auto& options) {
    options.transport.principal = "sched";
    options.transport.secret = "wrong";
  });
  client->start(std::nullopt, log.callback());
  ASSERT_TRUE(log.wait_kind<TerminalError>(kWait));
  const auto terminal = client->terminal_error();
  ASSERT_TRUE(terminal);
  EXPECT_NE(terminal->message.find("401"), std::string::npos) << terminal->message;
  EXPECT_NE(terminal->message.find("401 Unauthorized."), std::string::npos) << terminal->message;
  EXPECT_FALSE(master.wait_requests([](auto& r) { return r.size() > 1; }, 300ms))
      << "a refused SUBSCRIBE was retried";
  client->stop();
}

TEST(MesosClientHttp, Follows307ToTheLeader) {
  FakeMaster leader(streaming_master());
  std::string location = "//127.0.0.1:" + std::to_string(leader.port()) + "/api/v1/scheduler";
  FakeMaster follower([location](const HttpRequest&) {
    HttpReply reply;
    reply.status = 307;
    reply.headers.push_back({"Location", location});
    return reply;
  });
  NotificationLog log;
  auto client = make_client(follower.base_url());
  client->start(std::nullopt, log.callback());
  auto stream = leader.wait_stream(0, kWait);
  ASSERT_TRUE(stream);
  ASSERT_TRUE(stream->send_chunk(subscribed("F-1")));
  ASSERT_TRUE(wait_state(*client, ConnectionState::Subscribed));
  ASSERT_TRUE(client->revive({}));
  ASSERT_TRUE(leader.wait_requests([](auto& r) { return count_calls(r, "REVIVE") == 1; }, kWait));
  EXPECT_EQ(follower.requests().size(), 1u);
  client->stop();
}

TEST(MesosClientHttp, HeartbeatLossReconnects) {
  FakeMaster master(streaming_master());
  NotificationLog log;
  auto client = make_client(master.base_url());
  client->start(std::nullopt, log.callback());
  auto stream = master.wait_stream(0, kWait);
  ASSERT_TRUE(stream);
  // 0.1 s heartbeats, then silence with the socket left open (a partition).
  ASSERT_TRUE(stream->send_chunk(subscribed("F-1", 0.1) + record(R"({"type":"HEARTBEAT"})")));
  ASSERT_TRUE(log.wait_event(EventType::Heartbeat, kWait));
  ASSERT_TRUE(log.wait_kind<Disconnected>(kWait));
  auto second = master.wait_stream(1, kWait);
  ASSERT_TRUE(second);
  EXPECT_NE(master.requests().back().body.find(R"("framework_id":{"value":"F-1"})"),
            std::string::npos);
  // The client closed the silent connection.
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!stream->peer_closed() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(stream->peer_closed());
  client->stop();
}

TEST(MesosClientHttp, FrameworkFailedOverStopsTheClientForGood) {
  FakeMaster master(streaming_master());
  NotificationLog log;
  auto client = make_client(master.base_url());
  client->start(std::string("F-1"), log.callback());
  auto stream = master.wait_stream(0, kWait);
  ASSERT_TRUE(stream);
  ASSERT_TRUE(stream->send_chunk(subscribed("F-1")));
  ASSERT_TRUE(stream->send_chunk(
      record(R"({"type":"ERROR","error":{"message":"Framework failed over"}})")));
  stream->end();
  ASSERT_TRUE(log.wait_kind<TerminalError>(kWait));
  EXPECT_EQ(client->state(), ConnectionState::Terminated);
  // Several backoff periods pass without another SUBSCRIBE.
  EXPECT_FALSE(master.wait_requests([](auto& r) { return r.size() > 1; }, 1s));
  client->stop();
}

TEST(MesosClientHttp, StopClosesTheStreamAndJoins) {
  FakeMaster master(streaming_master());
  NotificationLog log;
  SubscribedClient subscription;
  ASSERT_TRUE(subscribe_client(master, log, subscription));
  auto& client = subscription.client;
  auto& stream = subscription.stream;
  auto started = std::chrono::steady_clock::now();
  client.reset();  // destructor = stop()
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!stream->peer_closed() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(stream->peer_closed());
}

}  // namespace
}  // namespace scale::mesos
