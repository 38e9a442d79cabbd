// The Mesos client over a detected master (ZkMasterSource on a StandaloneDetector): a new leader
// is followed the moment the detector reports it, with no tick of the client's timer driver.
#include "scheduler/mesos/zk_master_source.h"

#include <gtest/gtest.h>

#include "cluster/standalone_detector.h"
#include "scheduler/mesos/mesos_client.h"
#include "tests/unit/mesos/fake_transport.h"

namespace scale::mesos {
namespace {

using namespace std::chrono_literals;

cluster::Member master(long long sequence, const std::string& host, int port) {
  char name[32];
  std::snprintf(name, sizeof name, "json.info_%010lld", sequence);
  return {name, sequence,
          R"({"hostname":")" + host + R"(","address":{"hostname":")" + host + R"(","port":)" +
              std::to_string(port) + "}}"};
}

class ZkMasterSourceTest : public ::testing::Test {
 protected:
  ZkMasterSourceTest() {
    auto detector = std::make_unique<cluster::StandaloneDetector>();
    detector_ = detector.get();
    detector_->appoint(master(1, "m1", 5050));
    auto transport = std::make_unique<testing::FakeTransport>();
    transport_ = transport.get();
    MesosClientOptions options;
    options.client.framework.user = "u";
    options.client.framework.name = "n";
    options.timer_driver = false;  // nothing but the detector can move the client
    client_ = std::make_unique<MesosClient>(options,
                                            std::make_unique<ZkMasterSource>(std::move(detector)),
                                            std::move(transport), [this] { return now_; });
    client_->start(std::nullopt, [](Notification) {});
  }

  Clock::time_point now_ = Clock::time_point() + 1000h;
  cluster::StandaloneDetector* detector_ = nullptr;
  testing::FakeTransport* transport_ = nullptr;
  std::unique_ptr<MesosClient> client_;
};

TEST_F(ZkMasterSourceTest, TheClientFollowsANewLeaderTheMomentItIsDetected) {
  ASSERT_EQ(transport_->subscribes.size(), 1u);
  EXPECT_EQ(transport_->subscribes[0].url, "http://m1:5050/api/v1/scheduler");
  transport_->listener().on_subscribe_response(1, {200, "stream-1", "", ""});
  transport_->listener().on_stream_bytes(1, testing::subscribed_record("F-1"));
  ASSERT_EQ(client_->state(), ConnectionState::Subscribed);

  detector_->appoint(master(2, "m2", 5051));
  ASSERT_EQ(transport_->subscribes.size(), 2u);
  EXPECT_EQ(transport_->subscribes[1].url, "http://m2:5051/api/v1/scheduler");
  EXPECT_EQ(transport_->closed, std::vector<uint64_t>{1});
  EXPECT_NE(transport_->subscribes[1].body.find(R"("framework_id":{"value":"F-1"})"),
            std::string::npos);
}

TEST_F(ZkMasterSourceTest, NoLeaderOrAnUnusableOneIsNotFollowed) {
  ASSERT_EQ(transport_->subscribes.size(), 1u);
  detector_->appoint(std::nullopt);
  detector_->appoint(cluster::Member{"json.info_0000000003", 3, "not json"});
  EXPECT_EQ(transport_->subscribes.size(), 1u);
  EXPECT_EQ(client_->state(), ConnectionState::Subscribing);
}

TEST(ZkMasterSource, TurnsTheLeadersMasterInfoIntoAUrl) {
  auto detector = std::make_unique<cluster::StandaloneDetector>();
  auto* raw = detector.get();
  ZkMasterSource source(std::move(detector));
  EXPECT_EQ(source.leading_master(), std::nullopt);
  int changes = 0;
  cluster::Subscription subscription = source.subscribe([&] { ++changes; });
  raw->appoint(master(7, "10.0.0.7", 5050));
  EXPECT_EQ(source.leading_master(), std::optional<std::string>("http://10.0.0.7:5050"));
  raw->set_members({master(7, "10.0.0.7", 5050), master(8, "10.0.0.8", 5050)});
  EXPECT_EQ(changes, 1);  // the leader did not change
}

}  // namespace
}  // namespace scale::mesos
