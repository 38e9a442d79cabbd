// Group over the in-process fake: its state enum, the expiry timer of its own, refusals without a
// round trip, cancels that wait for the session, a new session after an expiry, and the watched
// member list.
#include "cluster/group.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "tests/unit/cluster/fake_zookeeper.h"

namespace scale::cluster {
namespace {

using std::chrono::milliseconds;
using testing::eventually;
using testing::fake_ensemble;
using testing::FakeSession;
using testing::FakeZooKeeper;

const std::string kPath = "/g";

// Every state a group reported, in order.
struct StateLog {
  explicit StateLog(Group& group)
      : subscription(group.subscribe([this](GroupState state) {
          std::lock_guard lock(mutex);
          states.push_back(state);
        })) {}
  std::vector<GroupState> seen() {
    std::lock_guard lock(mutex);
    return states;
  }
  std::mutex mutex;
  std::vector<GroupState> states;
  Subscription subscription;
};

// The latest list a group's watch delivered.
struct MembersLog {
  explicit MembersLog(Group& group)
      : subscription(group.watch([this](const std::vector<Member>& members) {
          std::lock_guard lock(mutex);
          latest = members;
          ++calls;
        })) {}
  std::vector<std::string> names() {
    std::lock_guard lock(mutex);
    std::vector<std::string> found;
    for (const auto& member : latest) found.push_back(member.name);
    return found;
  }
  std::vector<Member> members() {
    std::lock_guard lock(mutex);
    return latest;
  }
  std::mutex mutex;
  std::vector<Member> latest;
  int calls = 0;
  Subscription subscription;
};

class GroupTest : public ::testing::Test {
 protected:
  std::shared_ptr<Group> make_group(std::vector<std::shared_ptr<FakeSession>> sessions,
                                    MemberNames names = election_members()) {
    return std::make_shared<Group>(fake_ensemble(std::move(sessions)), kPath, std::move(names));
  }
  // A member of another process, straight in the tree.
  std::string add_member(long long session, const std::string& data = "{}") {
    tree->create(0, kPath, "", CreateMode::Persistent, nullptr);
    std::string created;
    tree->create(session, kPath + "/n_other-", data, CreateMode::EphemeralSequential, &created);
    return created.substr(kPath.size() + 1);
  }

  std::shared_ptr<FakeZooKeeper> tree = std::make_shared<FakeZooKeeper>();
  std::shared_ptr<FakeSession> zk = std::make_shared<FakeSession>(tree, 0x100, milliseconds(200));
};

TEST_F(GroupTest, FollowsItsSessionAndTimesOutOnItsOwnWhileSuspended) {
  auto group = make_group({zk});
  EXPECT_EQ(group->state(), GroupState::Connected);
  StateLog log(*group);
  const auto suspended_at = std::chrono::steady_clock::now();
  zk->set_state(SessionState::Suspended);
  EXPECT_EQ(group->state(), GroupState::Suspended);  // at once
  ASSERT_TRUE(eventually([&] { return group->state() == GroupState::TimedOut; }));
  EXPECT_GE(std::chrono::steady_clock::now() - suspended_at, milliseconds(200));
  // The session survived after all.
  zk->set_state(SessionState::Connected);
  EXPECT_EQ(group->state(), GroupState::Connected);
  EXPECT_EQ(log.seen(),
            (std::vector{GroupState::Suspended, GroupState::TimedOut, GroupState::Connected}));
}

TEST_F(GroupTest, RefusesOperationsWithoutARoundTripUnlessConnected) {
  auto group = make_group({zk});
  zk->set_state(SessionState::Suspended);
  const int before = zk->operation_count("create") + zk->operation_count("get_children");
  Member joined;
  std::vector<Member> ranked;
  EXPECT_EQ(group->join("tag", "{}", &joined), ZkError::ConnectionLoss);
  EXPECT_EQ(group->members(&ranked), ZkError::ConnectionLoss);
  EXPECT_EQ(group->prepare(), ZkError::ConnectionLoss);
  EXPECT_EQ(zk->operation_count("create") + zk->operation_count("get_children"), before);
  zk->set_state(SessionState::Expired);
  EXPECT_EQ(group->members(&ranked), ZkError::SessionExpired);
}

TEST_F(GroupTest, GetsANewSessionFromItsEnsembleAfterAnExpiry) {
  auto second = std::make_shared<FakeSession>(tree, 0x200, milliseconds(200));
  auto group = make_group({zk, second});
  StateLog log(*group);
  zk->set_state(SessionState::Expired);
  ASSERT_TRUE(eventually([&] { return group->state() == GroupState::Connected; }));
  EXPECT_EQ(group->session_id(), 0x200);
  EXPECT_EQ(log.seen(), (std::vector{GroupState::Expired, GroupState::Connected}));
  // The old session's events mean nothing any more.
  zk->set_state(SessionState::Closed);
  EXPECT_EQ(group->state(), GroupState::Connected);
}

TEST_F(GroupTest, ClosedIsTerminal) {
  auto group = make_group({zk});
  zk->set_state(SessionState::Closed);
  EXPECT_EQ(group->state(), GroupState::Closed);
  std::vector<Member> ranked;
  EXPECT_EQ(group->members(&ranked), ZkError::Closed);
}

TEST_F(GroupTest, JoinIsProtectedAgainstALostCreateReply) {
  auto group = make_group({zk});
  ASSERT_EQ(group->prepare(), ZkError::Ok);
  zk->lose_create_replies = 1;
  Member joined;
  EXPECT_EQ(group->join("abc", "{\"x\":1}", &joined), ZkError::ConnectionLoss);
  ASSERT_EQ(group->join("abc", "{\"x\":1}", &joined), ZkError::Ok);
  EXPECT_EQ(tree->children(kPath), std::vector<std::string>{joined.name});
  EXPECT_TRUE(joined.name.starts_with("n_abc-")) << joined.name;
  EXPECT_EQ(tree->node(group->path_of(joined.name))->data, "{\"x\":1}");
}

TEST_F(GroupTest, ACancelWhileSuspendedIsCarriedOutOnReconnectAndForgottenOnExpiry) {
  auto group = make_group({zk});
  const std::string first = add_member(0x100), second = add_member(0x100);
  zk->set_state(SessionState::Suspended);
  EXPECT_EQ(group->cancel(first), ZkError::ConnectionLoss);
  zk->set_state(SessionState::Connected);
  EXPECT_TRUE(eventually([&] { return !tree->contains(group->path_of(first)); }));

  zk->set_state(SessionState::Suspended);
  group->cancel(second);
  const int removes = zk->operation_count("remove");
  zk->set_state(SessionState::Expired);  // the node goes with the session
  EXPECT_FALSE(
      eventually([&] { return zk->operation_count("remove") != removes; }, milliseconds(300)));
}

TEST_F(GroupTest, WatchedMembersFollowTheGroupWithTheirData) {
  auto group = make_group({zk});
  MembersLog log(*group);
  EXPECT_TRUE(log.names().empty());  // the path does not exist yet
  const std::string first = add_member(2, R"({"n":1})");
  ASSERT_TRUE(eventually([&] { return log.names() == std::vector{first}; }));
  EXPECT_EQ(log.members().front().data, R"({"n":1})");
  const std::string second = add_member(3, R"({"n":2})");
  ASSERT_TRUE(eventually([&] { return log.names() == (std::vector{first, second}); }));
  tree->remove(group->path_of(first));
  ASSERT_TRUE(eventually([&] { return log.names() == std::vector{second}; }));
  EXPECT_EQ(group->watched().front().data, R"({"n":2})");
  // Each member's data is read once, however often the list changes.
  EXPECT_EQ(zk->operation_count("get"), 2);
}

TEST_F(GroupTest, RefreshesItsOwnMembersDataWithoutAMembershipChangeAndReadsEveryonesMtime) {
  auto group =
      std::make_shared<Group>(fake_ensemble({zk}), kPath, election_members(), milliseconds(20));
  MembersLog log(*group);
  const std::string other = add_member(2);
  ASSERT_EQ(group->prepare(), ZkError::Ok);
  Member mine;
  ASSERT_EQ(group->join("tag", R"({"me":1})", &mine), ZkError::Ok);
  ASSERT_TRUE(eventually([&] { return log.names().size() == 2; }));
  const int published = [&] {
    std::lock_guard lock(log.mutex);
    return log.calls;
  }();
  ASSERT_TRUE(eventually([&] { return zk->operation_count("set") >= 3; }));
  EXPECT_EQ(tree->node(group->path_of(mine.name))->data, R"({"me":1})");  // the same bytes
  const auto theirs = tree->node(group->path_of(other));
  EXPECT_EQ(theirs->mtime_ms, theirs->czxid);  // another process' member is only read
  ASSERT_TRUE(eventually([&] { return group->refreshed().size() == 2; }));
  {
    std::lock_guard lock(log.mutex);
    EXPECT_EQ(log.calls, published) << "a refresh looked like a membership change";
  }
  // Cancelled: no longer refreshed, no longer read.
  ASSERT_EQ(group->cancel(mine.name), ZkError::Ok);
  ASSERT_TRUE(eventually([&] {
    const auto refreshed = group->refreshed();
    return refreshed.size() == 1 && refreshed.contains(other);
  }));
  const int sets = zk->operation_count("set");
  const int reads = zk->operation_count("exists");
  ASSERT_TRUE(eventually([&] { return zk->operation_count("exists") >= reads + 3; }));
  EXPECT_EQ(zk->operation_count("set"), sets);
}

TEST_F(GroupTest, WatchedMembersAreUnknownWhileNotConnected) {
  auto group = make_group({zk});
  const std::string member = add_member(2);
  MembersLog log(*group);
  ASSERT_TRUE(eventually([&] { return log.names() == std::vector{member}; }));
  zk->set_state(SessionState::Suspended);
  ASSERT_TRUE(eventually([&] { return log.names().empty(); }));
  zk->set_state(SessionState::Connected);
  EXPECT_TRUE(eventually([&] { return log.names() == std::vector{member}; }));
}

TEST_F(GroupTest, OtherChildrenAreNotMembers) {
  tree->create(0, kPath, "", CreateMode::Persistent, nullptr);
  tree->create(0, kPath + "/log_replicas", "", CreateMode::Persistent, nullptr);
  std::string master;
  tree->create(2, kPath + "/json.info_", "{}", CreateMode::EphemeralSequential, &master);
  auto group = make_group({zk}, master_members());
  MembersLog log(*group);
  EXPECT_TRUE(eventually([&] { return log.names() == std::vector{master.substr(3)}; }));
}

}  // namespace
}  // namespace scale::cluster
