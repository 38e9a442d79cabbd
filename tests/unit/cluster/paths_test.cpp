#include "cluster/paths.h"

#include <gtest/gtest.h>

#include "tests/unit/cluster/fake_zookeeper.h"

namespace scale::cluster {
namespace {

using testing::FakeSession;
using testing::FakeZooKeeper;

TEST(Paths, NormalizesJoinsAndSplits) {
  EXPECT_EQ(normalize_path("/scale/election/"), "/scale/election");
  EXPECT_EQ(normalize_path("/"), "/");
  EXPECT_EQ(join_path("/scale", "n_1"), "/scale/n_1");
  EXPECT_EQ(join_path("/", "n_1"), "/n_1");
  EXPECT_EQ(base_name("/scale/election/n_a-0000000001"), "n_a-0000000001");
  EXPECT_EQ(base_name("n_a"), "n_a");
}

TEST(Paths, EnsurePathCreatesEveryMissingComponent) {
  auto tree = std::make_shared<FakeZooKeeper>();
  auto zk = std::make_shared<FakeSession>(tree, 1);
  ASSERT_EQ(ensure_path(*zk, "/a"), ZkError::Ok);
  ASSERT_EQ(ensure_path(*zk, "/a/b/c"), ZkError::Ok);
  EXPECT_TRUE(tree->contains("/a/b"));
  EXPECT_TRUE(tree->contains("/a/b/c"));
  EXPECT_EQ(ensure_path(*zk, "/a/b/c"), ZkError::Ok);  // idempotent
  EXPECT_EQ(ensure_path(*zk, "/"), ZkError::Ok);
}

TEST(Paths, EnsurePathReportsAFailure) {
  auto tree = std::make_shared<FakeZooKeeper>();
  auto zk = std::make_shared<FakeSession>(tree, 1);
  zk->set_state(SessionState::Suspended);
  EXPECT_EQ(ensure_path(*zk, "/a/b"), ZkError::ConnectionLoss);
}

}  // namespace
}  // namespace scale::cluster
