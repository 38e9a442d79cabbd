// ZooKeeperDetector over a Group on the in-process fake, and StandaloneDetector: next(previous)
// answers at once when the leader differs, waits otherwise, and subscribers hear each change.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "cluster/standalone_detector.h"
#include "cluster/zookeeper_detector.h"
#include "tests/unit/cluster/fake_zookeeper.h"

namespace scale::cluster {
namespace {

using std::chrono::milliseconds;
using testing::eventually;
using testing::fake_ensemble;
using testing::FakeSession;
using testing::FakeZooKeeper;

const std::string kPath = "/masters";

class ZooKeeperDetectorTest : public ::testing::Test {
 protected:
  std::string add_master(long long session, const std::string& data) {
    tree->create(0, kPath, "", CreateMode::Persistent, nullptr);
    std::string created;
    tree->create(session, kPath + "/json.info_", data, CreateMode::EphemeralSequential, &created);
    return created.substr(kPath.size() + 1);
  }

  std::shared_ptr<FakeZooKeeper> tree = std::make_shared<FakeZooKeeper>();
  std::shared_ptr<FakeSession> zk = std::make_shared<FakeSession>(tree, 0x100);
  std::shared_ptr<Group> group =
      std::make_shared<Group>(fake_ensemble({zk}), kPath, master_members());
  ZooKeeperDetector detector{group};
};

TEST_F(ZooKeeperDetectorTest, NextAnswersAtOnceWhenTheLeaderDiffersFromThePrevious) {
  const std::string first = add_master(2, "a");
  const auto leader = detector.next(std::nullopt);
  ASSERT_TRUE(leader);
  EXPECT_EQ(leader->name, first);
  EXPECT_EQ(leader->data, "a");
  // The same leader as before: nothing to report until the timeout.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(detector.next(leader, {}, milliseconds(100)), leader);
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(100));
}

TEST_F(ZooKeeperDetectorTest, NextWaitsForTheGroupToChange) {
  const std::string first = add_master(2, "a");
  const std::string second = add_master(3, "b");
  const auto leader = detector.next(std::nullopt);
  ASSERT_TRUE(leader);
  auto next = std::async(std::launch::async, [&] { return detector.next(leader); });
  EXPECT_EQ(next.wait_for(milliseconds(50)), std::future_status::timeout);
  const int gets = zk->operation_count("get_children");
  tree->remove(kPath + "/" + first);
  const auto successor = next.get();
  ASSERT_TRUE(successor);
  EXPECT_EQ(successor->name, second);
  EXPECT_EQ(detector.members().size(), 1u);
  // One listing for the change, none while waiting: nobody polls.
  EXPECT_EQ(zk->operation_count("get_children"), gets + 1);
}

TEST_F(ZooKeeperDetectorTest, SubscribersHearEveryChangeAndStopWhenCancelled) {
  std::atomic<int> heard{0};
  Subscription subscription = detector.subscribe([&] { ++heard; });
  add_master(2, "a");
  ASSERT_TRUE(eventually([&] { return heard == 1; }));
  add_master(3, "b");
  ASSERT_TRUE(eventually([&] { return heard == 2; }));
  subscription.cancel();
  add_master(4, "c");
  ASSERT_TRUE(eventually([&] { return detector.members().size() == 3; }));
  EXPECT_EQ(heard, 2);
}

TEST_F(ZooKeeperDetectorTest, NoLeaderIsKnownWhileSuspended) {
  add_master(2, "a");
  ASSERT_TRUE(detector.next(std::nullopt));
  zk->set_state(SessionState::Suspended);
  EXPECT_EQ(detector.next(detector.leader(), {}, milliseconds(2000)), std::nullopt);
  zk->set_state(SessionState::Connected);
  EXPECT_TRUE(detector.next(std::nullopt, {}, milliseconds(2000)));
}

TEST_F(ZooKeeperDetectorTest, NextReturnsWhenStopIsRequested) {
  std::stop_source stop;
  auto waiting =
      std::async(std::launch::async, [&] { return detector.next(std::nullopt, stop.get_token()); });
  EXPECT_EQ(waiting.wait_for(milliseconds(50)), std::future_status::timeout);
  stop.request_stop();
  EXPECT_EQ(waiting.get(), std::nullopt);
}

TEST(StandaloneDetectorTest, AppointPutsAnyMemberInChargeAtOnce) {
  StandaloneDetector detector;
  std::atomic<int> heard{0};
  Subscription subscription = detector.subscribe([&] { ++heard; });
  EXPECT_EQ(detector.leader(), std::nullopt);
  auto waiting = std::async(std::launch::async, [&] { return detector.next(std::nullopt); });
  const Member a{"json.info_0000000001", 1, "a"};
  detector.appoint(a);
  EXPECT_EQ(waiting.get(), a);
  EXPECT_EQ(heard, 1);
  const Member b{"json.info_0000000002", 2, "b"};
  detector.set_members({b, a});
  EXPECT_EQ(detector.next(a), b);
  EXPECT_EQ(detector.members().size(), 2u);
  detector.appoint(std::nullopt);
  EXPECT_EQ(detector.next(b), std::nullopt);
  EXPECT_EQ(heard, 3);
}

}  // namespace
}  // namespace scale::cluster
