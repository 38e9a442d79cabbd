// The real client against the real emulator (tools/mesos-sim), found through a real ZooKeeper.
// Written from the emulator's flags only: the two sides share no code.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cluster/session.h"
#include "scheduler/mesos/http_mesos_connection.h"
#include "tests/integration/mesos/notification_log.h"
#include "tests/support/http_test_client.h"
#include "tests/support/servers.h"

namespace scale::mesos {
namespace {

using namespace std::chrono_literals;
using testing::NotificationLog;

constexpr auto kWait = 15s;

std::string sim_binary() {
  const char* dir = std::getenv("SCALE_BUILD_DIR");
  return std::string(dir ? dir : ".") + "/tools/mesos-sim/mesos-sim";
}

class ClientVsSimTest : public ::testing::Test {
 protected:
  ClientVsSimTest() {
    auto session = cluster::Session::open(zk_.connect_string(), 4000ms);
    EXPECT_TRUE(session->wait_connected(kWait));
    session->create("/mesos", "", cluster::CreateMode::Persistent, nullptr);
    port_ = test::free_port();
    sim_ = start_sim(port_, "mesos-sim.log");
  }

  std::unique_ptr<test::ChildProcess> start_sim(uint16_t port, const std::string& log_name) {
    return std::make_unique<test::ChildProcess>(
        std::vector<std::string>{sim_binary(), "--listen=127.0.0.1:" + std::to_string(port),
                                 "--agents=2", "--task_ms=300", "--heartbeat_interval_s=0.5",
                                 "--update_retry_s=0.5", "--offer_interval_ms=50", "--strict",
                                 "--zk=zk://" + zk_.connect_string() + "/mesos"},
        dir_.path() / log_name);
  }

  std::unique_ptr<MesosConnection> make_client(const std::string& master = "") {
    HttpMesosConnectionOptions options;
    options.master = master.empty() ? "zk://" + zk_.connect_string() + "/mesos" : master;
    options.client.client.framework.user = "scale";
    options.client.client.framework.name = "client-vs-sim";
    options.client.client.backoff_initial = 50ms;
    options.client.client.backoff_max = 1000ms;
    options.zk_session_timeout = 4000ms;
    return make_http_mesos_connection(options);
  }

  std::string sim_log() { return test::read_tail(sim_->log_path()); }

  // A fault injected through the emulator's /sim/ endpoints.
  void inject(const std::string& path, const std::string& body) {
    auto answer = test::HttpTestClient(port_).call("POST", path, body);
    ASSERT_LT(answer.status, 300) << path << ": " << answer.body;
  }

  test::ZooKeeperServer zk_;
  test::TempDir dir_{"mesos-client-vs-sim"};
  uint16_t port_ = 0;
  std::unique_ptr<test::ChildProcess> sim_;
};

// Updates for one task id, in arrival order.
std::vector<TaskStatus> updates_of(const std::vector<Notification>& log, const std::string& task) {
  std::vector<TaskStatus> updates;
  for (const auto& n : log) {
    auto* e = std::get_if<Event>(&n);
    if (e && e->type == EventType::Update && e->status.task_id == task) {
      updates.push_back(e->status);
    }
  }
  return updates;
}

TaskLaunch task_for(const Offer& offer, const std::string& id) {
  TaskLaunch task;
  task.name = id;
  task.task_id = id;
  task.agent_id = offer.agent_id;
  task.command = "true";
  task.resources = {{"cpus", 0.5, offer.allocation_role}, {"mem", 64, offer.allocation_role}};
  return task;
}

TEST_F(ClientVsSimTest, SubscribesLaunchesAndAcknowledgesAfterRedelivery) {
  NotificationLog log;
  auto client = make_client();
  client->start(std::nullopt, log.callback());
  ASSERT_TRUE(log.wait_event(EventType::Subscribed, kWait)) << sim_log();
  ASSERT_TRUE(client->framework_id());
  ASSERT_TRUE(log.wait_event(EventType::Heartbeat, kWait)) << sim_log();
  ASSERT_TRUE(log.wait_event(EventType::Offers, kWait)) << sim_log();
  Offer offer;
  for (const auto& n : log.snapshot()) {
    auto* e = std::get_if<Event>(&n);
    if (e && e->type == EventType::Offers && !e->offers.empty()) offer = e->offers[0];
  }
  ASSERT_FALSE(offer.id.empty());
  ASSERT_TRUE(client->accept({offer.id}, {task_for(offer, "scale_job_1_1")}, 1.0));

  // The first reliable update is left unacknowledged: the emulator must send it again.
  ASSERT_TRUE(
      log.wait([](const auto& l) { return updates_of(l, "scale_job_1_1").size() >= 2; }, kWait))
      << sim_log();
  auto updates = updates_of(log.snapshot(), "scale_job_1_1");
  ASSERT_TRUE(updates[0].uuid) << "agent updates carry a uuid";
  EXPECT_EQ(updates[1].uuid, updates[0].uuid) << "the unacknowledged head is redelivered";
  EXPECT_EQ(updates[1].state, updates[0].state);

  // Acknowledge every update as it comes, until the terminal one.
  size_t acked = 0;
  auto ack_all = [&] {
    auto seen = updates_of(log.snapshot(), "scale_job_1_1");
    for (; acked < seen.size(); ++acked) client->acknowledge(seen[acked]);
    return !seen.empty() && is_terminal_task_state(seen.back().state);
  };
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!ack_all() && std::chrono::steady_clock::now() < deadline) {
    log.wait([&](const auto& l) { return updates_of(l, "scale_job_1_1").size() > acked; }, 1s);
  }
  auto all = updates_of(log.snapshot(), "scale_job_1_1");
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back().state, "TASK_FINISHED") << sim_log();

  // Reconciliation answers come without a uuid: acknowledge() refuses them.
  ASSERT_TRUE(client->reconcile({{"scale_job_1_1", offer.agent_id}}));
  ASSERT_TRUE(log.wait(
      [](const auto& l) {
        for (const auto& s : updates_of(l, "scale_job_1_1")) {
          if (s.reason == "REASON_RECONCILIATION") return true;
        }
        return false;
      },
      kWait))
      << sim_log();
  for (const auto& s : updates_of(log.snapshot(), "scale_job_1_1")) {
    if (s.reason == "REASON_RECONCILIATION") {
      EXPECT_FALSE(s.uuid);
      EXPECT_FALSE(client->acknowledge(s));
    }
  }
  EXPECT_FALSE(log.wait(
      [](const auto& l) { return NotificationLog::count_kind<CallRejected>(l) > 0; }, 0ms));
  client->stop();
}

TEST_F(ClientVsSimTest, ASecondSubscriberFailsTheFirstOverForGood) {
  NotificationLog first_log;
  auto first = make_client();
  first->start(std::nullopt, first_log.callback());
  ASSERT_TRUE(first_log.wait_event(EventType::Subscribed, kWait)) << sim_log();
  std::string framework_id = *first->framework_id();

  NotificationLog second_log;
  auto second = make_client();
  second->start(framework_id, second_log.callback());
  ASSERT_TRUE(second_log.wait_event(EventType::Subscribed, kWait)) << sim_log();
  EXPECT_EQ(second->framework_id(), framework_id);

  ASSERT_TRUE(first_log.wait_kind<TerminalError>(kWait)) << sim_log();
  EXPECT_EQ(first->terminal_error()->message, "Framework failed over");
  EXPECT_EQ(first->state(), ConnectionState::Terminated);
  // The winner keeps its subscription: the loser does not come back for it.
  EXPECT_FALSE(second_log.wait_kind<Disconnected>(2s));
  EXPECT_EQ(second->state(), ConnectionState::Subscribed);
  ASSERT_TRUE(second->teardown());
  second->stop();
  first->stop();
}

TEST_F(ClientVsSimTest, FollowsTheRedirectAndRefindsTheMasterAfterFailover) {
  NotificationLog detected_log;
  auto detected = make_client();  // zk://
  detected->start(std::nullopt, detected_log.callback());
  ASSERT_TRUE(detected_log.wait_event(EventType::Subscribed, kWait)) << sim_log();
  std::string framework_id = *detected->framework_id();

  // A second emulator joins the group behind the leader: it answers 307 to the leader.
  uint16_t standby_port = test::free_port();
  auto standby = start_sim(standby_port, "mesos-sim-standby.log");
  NotificationLog redirected_log;
  auto redirected = make_client("http://127.0.0.1:" + std::to_string(standby_port));
  redirected->start(std::nullopt, redirected_log.callback());
  ASSERT_TRUE(redirected_log.wait_event(EventType::Subscribed, kWait))
      << test::read_tail(standby->log_path());

  // The leading master dies; the standby takes over and both clients come back to it with the
  // framework ids they had.
  std::string redirected_id = *redirected->framework_id();
  sim_->kill_and_wait();
  ASSERT_TRUE(detected_log.wait_kind<Disconnected>(kWait));
  ASSERT_TRUE(detected_log.wait_event(EventType::Subscribed, kWait, 2))
      << test::read_tail(standby->log_path());
  EXPECT_EQ(detected->framework_id(), framework_id);
  ASSERT_TRUE(redirected_log.wait_event(EventType::Subscribed, kWait, 2))
      << test::read_tail(standby->log_path());
  EXPECT_EQ(redirected->framework_id(), redirected_id);
  EXPECT_FALSE(detected->terminal_error());
  EXPECT_FALSE(redirected->terminal_error());
  redirected->stop();
  detected->stop();
}

TEST_F(ClientVsSimTest, ResubscribesWithTheSameFrameworkIdAfterTheStreamCloses) {
  NotificationLog log;
  auto client = make_client();
  client->start(std::nullopt, log.callback());
  ASSERT_TRUE(log.wait_event(EventType::Subscribed, kWait)) << sim_log();
  const std::string framework_id = *client->framework_id();
  inject("/sim/close_streams", "{}");
  ASSERT_TRUE(log.wait_kind<Disconnected>(kWait)) << sim_log();
  ASSERT_TRUE(log.wait_event(EventType::Subscribed, kWait, 2)) << sim_log();
  EXPECT_EQ(client->framework_id(), framework_id);
  EXPECT_EQ(client->state(), ConnectionState::Subscribed);
  EXPECT_FALSE(client->terminal_error());
  client->stop();
}

TEST_F(ClientVsSimTest, HeartbeatLossWithTheStreamOpenIsDetected) {
  NotificationLog log;
  auto client = make_client();
  client->start(std::nullopt, log.callback());
  ASSERT_TRUE(log.wait_event(EventType::Subscribed, kWait)) << sim_log();
  inject("/sim/heartbeats", R"({"enabled": false})");
  // 5 missed intervals of 0.5 s: the watchdog gives up on the silent stream.
  ASSERT_TRUE(log.wait_kind<Disconnected>(kWait)) << sim_log();
  inject("/sim/heartbeats", R"({"enabled": true})");
  ASSERT_TRUE(log.wait_event(EventType::Subscribed, kWait, 2)) << sim_log();
  client->stop();
}

TEST_F(ClientVsSimTest, ARemovedFrameworkIsRefusedForGood) {
  NotificationLog first_log;
  auto first = make_client();
  first->start(std::nullopt, first_log.callback());
  ASSERT_TRUE(first_log.wait_event(EventType::Subscribed, kWait)) << sim_log();
  const std::string framework_id = *first->framework_id();
  ASSERT_TRUE(first->teardown());
  // Calls are sent asynchronously: the master closing the stream shows TEARDOWN arrived.
  ASSERT_TRUE(first_log.wait(
      [](const auto& l) {
        return NotificationLog::count_kind<Disconnected>(l) +
                   NotificationLog::count_kind<TerminalError>(l) >
               0;
      },
      kWait))
      << sim_log();
  first->stop();

  NotificationLog log;
  auto again = make_client();
  again->start(framework_id, log.callback());
  ASSERT_TRUE(log.wait_kind<TerminalError>(kWait)) << sim_log();
  EXPECT_NE(again->terminal_error()->message.find("Framework has been removed"), std::string::npos)
      << again->terminal_error()->message;
  EXPECT_EQ(again->state(), ConnectionState::Terminated);
  // Terminal: no retry loop of SUBSCRIBEs follows.
  EXPECT_FALSE(log.wait_event(EventType::Subscribed, 1s));
  again->stop();
}

}  // namespace
}  // namespace scale::mesos
