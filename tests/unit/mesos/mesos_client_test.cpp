// The MesosConnection the leader uses, over the fake transport: acknowledgements and terminal
// errors as the owner sees them.
#include "scheduler/mesos/mesos_client.h"

#include <gtest/gtest.h>

#include "tests/unit/mesos/fake_transport.h"

namespace scale::mesos {
namespace {

using namespace std::chrono_literals;

class MesosClientTest : public ::testing::Test {
 protected:
  MesosClientTest() {
    auto transport = std::make_unique<testing::FakeTransport>();
    transport_ = transport.get();
    MesosClientOptions options;
    options.client.framework.user = "u";
    options.client.framework.name = "n";
    options.client.backoff_initial = 10ms;
    options.timer_driver = false;  // the test ticks
    client_ = std::make_unique<MesosClient>(options,
                                            std::make_unique<FixedMasterSource>("http://m1:5050"),
                                            std::move(transport), [this] { return now_; });
    client_->start(std::nullopt,
                   [this](Notification n) { notifications_.push_back(std::move(n)); });
    transport_->listener().on_subscribe_response(1, {200, "stream-1", "", ""});
    transport_->listener().on_stream_bytes(1, testing::subscribed_record("F-1"));
  }

  Clock::time_point now_ = Clock::time_point() + 1000h;
  testing::FakeTransport* transport_ = nullptr;
  std::vector<Notification> notifications_;
  std::unique_ptr<MesosClient> client_;
};

TEST_F(MesosClientTest, AcknowledgesOnlyUpdatesCarryingAUuid) {
  TaskStatus reconciled;
  reconciled.task_id = "t1";
  reconciled.state = "TASK_LOST";
  reconciled.agent_id = "S1";
  EXPECT_FALSE(client_->acknowledge(reconciled));
  EXPECT_TRUE(transport_->calls.empty());

  TaskStatus reliable = reconciled;
  reliable.state = "TASK_RUNNING";
  reliable.uuid = "3q2+7wAAAAAAAAAAAAAAAA==";
  EXPECT_TRUE(client_->acknowledge(reliable));
  ASSERT_EQ(transport_->calls.size(), 1u);
  EXPECT_EQ(transport_->calls[0].type, "ACKNOWLEDGE");
  EXPECT_EQ(transport_->calls[0].stream_id, "stream-1");
  EXPECT_NE(transport_->calls[0].body.find(R"("uuid":"3q2+7wAAAAAAAAAAAAAAAA==")"),
            std::string::npos);
}

TEST_F(MesosClientTest, NothingIsAcknowledgedByItself) {
  transport_->listener().on_stream_bytes(1, testing::record(R"({"type":"UPDATE","update":{"status":
    {"task_id":{"value":"t"},"state":"TASK_RUNNING","agent_id":{"value":"S1"},"uuid":"AAAAAAAAAAAAAAAAAAAAAA=="}}})"));
  EXPECT_EQ(notifications_.size(), 2u);
  EXPECT_TRUE(transport_->calls.empty());  // the owner acks after its commit
}

TEST_F(MesosClientTest, FrameworkFailedOverIsTerminalAndNeverRetried) {
  transport_->listener().on_stream_bytes(1, testing::error_record("Framework failed over"));
  EXPECT_EQ(client_->state(), ConnectionState::Terminated);
  ASSERT_TRUE(client_->terminal_error());
  EXPECT_EQ(client_->terminal_error()->message, "Framework failed over");
  ASSERT_TRUE(std::holds_alternative<TerminalError>(notifications_.back()));
  for (int i = 0; i < 100; ++i) {
    now_ += 1s;
    client_->tick();
  }
  EXPECT_EQ(transport_->subscribes.size(), 1u);
  EXPECT_FALSE(client_->reconcile({}));
}

TEST_F(MesosClientTest, EveryCallTypeGoesOutWhileSubscribed) {
  EXPECT_TRUE(client_->accept({"O1"}, {}, 5.0));
  EXPECT_TRUE(client_->decline({"O1"}, 60.0));
  EXPECT_TRUE(client_->suppress({}));
  EXPECT_TRUE(client_->revive({"r"}));
  EXPECT_TRUE(client_->kill("t", "S1"));
  EXPECT_TRUE(client_->reconcile({{"t", "S1"}}));
  EXPECT_TRUE(client_->teardown());
  std::vector<std::string> types;
  for (const auto& c : transport_->calls) types.push_back(c.type);
  EXPECT_EQ(types, (std::vector<std::string>{"ACCEPT", "DECLINE", "SUPPRESS", "REVIVE", "KILL",
                                             "RECONCILE", "TEARDOWN"}));
}

TEST_F(MesosClientTest, CallLoadIsTheTransportsUnansweredCallsByLane) {
  EXPECT_EQ(client_->call_load(), CallLoad{});
  ASSERT_TRUE(client_->accept({"O1"}, {}, 5.0));
  ASSERT_TRUE(client_->decline({"O2"}, 60.0));
  ASSERT_TRUE(client_->kill("t", "S1"));
  TaskStatus update;
  update.task_id = "t";
  update.agent_id = "S1";
  update.uuid = "dXVpZA==";
  ASSERT_TRUE(client_->acknowledge(update));
  const auto lane = [](CallLane l) { return static_cast<size_t>(l); };
  CallLoad load = client_->call_load();
  EXPECT_EQ(load.in_flight[lane(CallLane::Offer)], 2u);
  EXPECT_EQ(load.in_flight[lane(CallLane::Ordered)], 1u);
  EXPECT_EQ(load.in_flight[lane(CallLane::Acknowledge)], 1u);
  transport_->answer(0, 202);
  transport_->answer(3, 202);
  load = client_->call_load();
  EXPECT_EQ(load.in_flight[lane(CallLane::Offer)], 1u);
  EXPECT_EQ(load.in_flight[lane(CallLane::Acknowledge)], 0u);
  transport_->answer(1, 400);  // an error answer is an answer too
  transport_->answer(2, 202);
  EXPECT_EQ(client_->call_load(), CallLoad{});
}

TEST_F(MesosClientTest, StopShutsTheTransportDownAndIsIdempotent) {
  client_->stop();
  client_->stop();
  EXPECT_TRUE(transport_->shut_down);
  EXPECT_EQ(client_->state(), ConnectionState::Terminated);
  EXPECT_FALSE(client_->terminal_error());
}

}  // namespace
}  // namespace scale::mesos
