// Mesos master detection through a real ZooKeeper: the test registers `json.info_` nodes the way
// Mesos masters do (EPHEMERAL|SEQUENTIAL, MasterInfo JSON) and removes them.
#include <gtest/gtest.h>

#include "cluster/ensemble.h"
#include "cluster/group.h"
#include "cluster/master_info.h"
#include "cluster/session.h"
#include "cluster/zookeeper_detector.h"
#include "scheduler/mesos/http_mesos_connection.h"
#include "tests/integration/mesos/fake_master.h"
#include "tests/integration/mesos/notification_log.h"
#include "tests/support/servers.h"

namespace scale::mesos {
namespace {

using namespace std::chrono_literals;
using testing::FakeMaster;
using testing::HttpReply;
using testing::HttpRequest;

constexpr auto kWait = 10s;

std::string master_info(uint16_t port) {
  return R"({"id":"m-)" + std::to_string(port) + R"(","ip":16777343,"port":)" +
         std::to_string(port) + R"(,"pid":"master@127.0.0.1:)" + std::to_string(port) +
         R"(","hostname":"localhost","version":"1.11.0","address":{"hostname":"localhost","ip":"127.0.0.1","port":)" +
         std::to_string(port) + "}}";
}

// A ZooKeeper session standing in for Mesos masters registering in the group.
class MasterGroup {
 public:
  explicit MasterGroup(const std::string& connect)
      : session_(cluster::Session::open(connect, 4000ms)) {
    EXPECT_TRUE(session_->wait_connected(kWait));
    EXPECT_EQ(session_->create("/mesos", "", cluster::CreateMode::Persistent, nullptr),
              cluster::ZkError::Ok);
    // Not sequence nodes: must be ignored by the detector.
    session_->create("/mesos/log_replicas", "", cluster::CreateMode::Persistent, nullptr);
  }
  std::string join(uint16_t port) {
    std::string created;
    EXPECT_EQ(session_->create("/mesos/json.info_", master_info(port),
                               cluster::CreateMode::EphemeralSequential, &created),
              cluster::ZkError::Ok);
    return created;
  }
  void leave(const std::string& path) { EXPECT_EQ(session_->remove(path), cluster::ZkError::Ok); }

 private:
  std::shared_ptr<cluster::Session> session_;
};

FakeMaster::Handler streaming_master(const std::string& stream_id) {
  return [stream_id](const HttpRequest& request) {
    HttpReply reply;
    if (request.body.find(R"("type":"SUBSCRIBE")") != std::string::npos) {
      reply.status = 200;
      reply.stream = true;
      reply.headers.push_back({"Mesos-Stream-Id", stream_id});
    }
    return reply;
  };
}

std::string subscribed_record() {
  std::string json =
      R"({"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"F-1"},"heartbeat_interval_seconds":15.0}})";
  return std::to_string(json.size()) + "\n" + json;
}

class MasterDetectionTest : public ::testing::Test {
 protected:
  test::ZooKeeperServer zk_;
};

// The port of the MasterInfo the detector leads with once it is `port`, or the last one seen
// when kWait passes first (0: no leader, or no MasterInfo). Waits through next(), not polling.
int wait_leader_port(cluster::Detector& detector, int port) {
  const auto port_of = [](const std::optional<cluster::Member>& leader) {
    auto address = leader ? cluster::parse_master_info(leader->data) : std::nullopt;
    return address ? address->port : 0;
  };
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  std::optional<cluster::Member> leader = detector.leader();
  while (port_of(leader) != port && std::chrono::steady_clock::now() < deadline) {
    leader = detector.next(leader, {},
                           std::chrono::duration_cast<std::chrono::milliseconds>(
                               deadline - std::chrono::steady_clock::now()));
  }
  return port_of(leader);
}

TEST_F(MasterDetectionTest, DetectorFollowsTheLowestJsonInfoNode) {
  MasterGroup group(zk_.connect_string());
  auto ensemble = std::make_shared<cluster::Ensemble>(
      [&] { return cluster::Session::open(zk_.connect_string(), 4000ms); });
  cluster::ZooKeeperDetector detector(
      std::make_shared<cluster::Group>(ensemble, "/mesos", cluster::master_members()));
  EXPECT_EQ(wait_leader_port(detector, 0), 0);
  std::string first = group.join(5050);
  std::string second = group.join(5051);
  ASSERT_EQ(wait_leader_port(detector, 5050), 5050);
  EXPECT_EQ(cluster::parse_master_info(detector.leader()->data)->host, "127.0.0.1");
  group.leave(first);
  ASSERT_EQ(wait_leader_port(detector, 5051), 5051);
  group.leave(second);
  ASSERT_EQ(wait_leader_port(detector, 0), 0);
}

TEST_F(MasterDetectionTest, ClientSubscribesToTheDetectedLeaderAndFollowsItsReplacement) {
  FakeMaster a(streaming_master("sid-a"));
  FakeMaster b(streaming_master("sid-b"));
  MasterGroup group(zk_.connect_string());
  std::string a_node = group.join(a.port());
  group.join(b.port());

  HttpMesosConnectionOptions options;
  options.master = "zk://" + zk_.connect_string() + "/mesos";
  options.client.client.framework.user = "svc-sched";
  options.client.client.framework.name = "scale-test";
  options.client.client.backoff_initial = 50ms;
  options.zk_session_timeout = 4000ms;
  auto client = make_http_mesos_connection(options);
  testing::NotificationLog log;
  client->start(std::nullopt, log.callback());

  auto stream_a = a.wait_stream(0, kWait);
  ASSERT_TRUE(stream_a);
  ASSERT_TRUE(stream_a->send_chunk(subscribed_record()));
  ASSERT_TRUE(log.wait_event(EventType::Subscribed, kWait));
  EXPECT_EQ(b.stream_count(), 0u);

  // The leading master leaves the group (its stream stays open): the client moves to the next.
  group.leave(a_node);
  auto stream_b = b.wait_stream(0, kWait);
  ASSERT_TRUE(stream_b);
  EXPECT_NE(b.requests().back().body.find(R"("framework_id":{"value":"F-1"})"), std::string::npos);
  ASSERT_TRUE(stream_b->send_chunk(subscribed_record()));
  ASSERT_TRUE(log.wait_event(EventType::Subscribed, kWait, 2));
  ASSERT_TRUE(client->reconcile({}));
  ASSERT_TRUE(b.wait_requests([](const auto& r) { return r.size() == 2; }, kWait));
  EXPECT_EQ(b.requests().back().header("mesos-stream-id"), "sid-b");
  client->stop();
}

}  // namespace
}  // namespace scale::mesos
