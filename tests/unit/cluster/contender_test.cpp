// The candidacy of ZooKeeperContender over a Group on the in-process fake: the interleavings a
// real server cannot produce on demand (lost create replies, nodes of another session).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "cluster/candidate_info.h"
#include "cluster/members.h"
#include "cluster/zookeeper_contender.h"
#include "tests/unit/cluster/fake_zookeeper.h"

namespace scale::cluster {
namespace {

using testing::eventually;
using testing::fake_ensemble;
using testing::FakeSession;
using testing::FakeZooKeeper;

constexpr long long kSession = 0x100;
const std::string kPath = "/scale/election";
const CandidateInfo kMe{"me", "http://me:8000", "host-me", 1, "", ""};

// contend() on its own thread, as a replica runs it.
class BackgroundCandidate {
 public:
  explicit BackgroundCandidate(std::shared_ptr<Group> group) {
    ContenderHooks hooks;
    hooks.on_evaluate = [this](const std::string&) { ++evaluations; };
    thread_ = std::jthread([this, group, hooks](std::stop_token stop) {
      auto term = ZooKeeperContender(group, hooks).contend(kMe, stop);
      std::lock_guard lock(mutex_);
      term_ = std::move(term);
      done_ = true;
    });
  }
  ~BackgroundCandidate() { stop(); }
  void stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }
  bool done() {
    std::lock_guard lock(mutex_);
    return done_;
  }
  Term* term() {
    std::lock_guard lock(mutex_);
    return term_.get();
  }
  std::atomic<int> evaluations{0};

 private:
  std::mutex mutex_;
  bool done_ = false;
  std::unique_ptr<Term> term_;
  std::jthread thread_;
};

class CandidateTest : public ::testing::Test {
 protected:
  // A node of another candidate (another session), created straight in the tree.
  std::string add_rival(long long session) {
    tree->create(0, "/scale", "", CreateMode::Persistent, nullptr);
    tree->create(0, kPath, "", CreateMode::Persistent, nullptr);
    std::string created;
    tree->create(session, kPath + "/" + member_prefix(election_members(), make_guid()),
                 to_json(kMe), CreateMode::EphemeralSequential, &created);
    return created;
  }
  std::vector<std::string> children() { return tree->children(kPath); }
  std::unique_ptr<Term> contend(std::stop_token stop = {}, ContenderHooks hooks = {}) {
    return ZooKeeperContender(group, std::move(hooks)).contend(kMe, std::move(stop));
  }

  std::shared_ptr<FakeZooKeeper> tree = std::make_shared<FakeZooKeeper>();
  std::shared_ptr<FakeSession> zk = std::make_shared<FakeSession>(tree, kSession);
  std::shared_ptr<Group> group =
      std::make_shared<Group>(fake_ensemble({zk}), kPath, election_members());
};

TEST_F(CandidateTest, LoneCandidateCreatesThePathAndLeadsWithTheCzxidAsEpoch) {
  auto term = contend();
  ASSERT_TRUE(term);
  EXPECT_TRUE(term->node_path().starts_with(kPath + "/n_")) << term->node_path();
  const auto node = tree->node(term->node_path());
  ASSERT_TRUE(node);
  EXPECT_EQ(term->epoch(), node->czxid);
  EXPECT_EQ(node->owner, kSession);
  const auto info = parse_candidate_info(node->data);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->replica_id, "me");
  EXPECT_EQ(info->api_url, "http://me:8000");
  EXPECT_TRUE(term->acting());
}

TEST_F(CandidateTest, APredecessorsDataChangeOnlyReArmsTheWatch) {
  const std::string predecessor = add_rival(2);
  BackgroundCandidate candidate(group);
  ASSERT_TRUE(eventually([&] { return tree->watch_count(predecessor) == 1; }));
  ASSERT_EQ(candidate.evaluations, 1);
  // Its liveness refresh fires the one-shot watch: armed again, the members not listed again.
  for (int refresh = 0; refresh < 3; ++refresh) {
    ASSERT_EQ(tree->set(predecessor, to_json(kMe), nullptr), ZkError::Ok);
    ASSERT_TRUE(eventually([&] { return tree->watch_count(predecessor) == 1; }));
  }
  EXPECT_EQ(candidate.evaluations, 1);
  // Its departure still wakes the candidate, which leads.
  tree->remove(predecessor);
  ASSERT_TRUE(eventually([&] { return candidate.done(); }));
  EXPECT_NE(candidate.term(), nullptr);
  EXPECT_EQ(candidate.evaluations, 2);
}

TEST_F(CandidateTest, FollowerWatchesOnlyItsPredecessor) {
  const std::string first = add_rival(2), second = add_rival(3), third = add_rival(4);
  BackgroundCandidate candidate(group);
  ASSERT_TRUE(eventually([&] { return tree->watch_count(third) == 1; }));
  EXPECT_EQ(tree->watch_count(first), 0u);
  EXPECT_EQ(tree->watch_count(second), 0u);
  EXPECT_EQ(candidate.evaluations, 1);

  // The leader leaving is not our business: nothing wakes us.
  tree->remove(first);
  EXPECT_EQ(candidate.evaluations, 1);

  // Our predecessor leaving wakes us, and we move on to the next lower node.
  tree->remove(third);
  ASSERT_TRUE(eventually([&] { return tree->watch_count(second) == 1; }));
  EXPECT_EQ(candidate.evaluations, 2);

  tree->remove(second);
  ASSERT_TRUE(eventually([&] { return candidate.done(); }));
  ASSERT_NE(candidate.term(), nullptr);
  EXPECT_EQ(candidate.evaluations, 3);
}

TEST_F(CandidateTest, AdoptsItsNodeWhenTheCreateReplyIsLost) {
  zk->lose_create_replies = 1;
  auto term = contend();
  ASSERT_TRUE(term);
  const auto names = children();
  ASSERT_EQ(names.size(), 1u) << "a second node was created";
  EXPECT_EQ(term->node_path(), kPath + "/" + names[0]);
  EXPECT_EQ(zk->operation_count("create") - 2, 1);  // two for the parent path
}

TEST_F(CandidateTest, RemovesANodeItsSessionLeftFromAnEarlierCandidacy) {
  const std::string stale = add_rival(kSession);
  auto term = contend();
  ASSERT_TRUE(term);
  EXPECT_FALSE(tree->contains(stale));
  EXPECT_EQ(children().size(), 1u);
}

TEST_F(CandidateTest, KeepsNodesOfOtherSessions) {
  const std::string rival = add_rival(2);
  BackgroundCandidate candidate(group);
  ASSERT_TRUE(eventually([&] { return tree->watch_count(rival) == 1; }));
  EXPECT_TRUE(tree->contains(rival));
  EXPECT_EQ(children().size(), 2u);
}

TEST_F(CandidateTest, DoesNotClaimALowestNodeOwnedByAnotherSession) {
  zk->owner_override = 77;
  std::stop_source stop;
  ContenderHooks hooks;
  int evaluations = 0;
  hooks.on_evaluate = [&](const std::string&) {
    if (++evaluations == 3) stop.request_stop();
  };
  auto term = contend(stop.get_token(), hooks);
  EXPECT_EQ(term, nullptr);
  EXPECT_EQ(evaluations, 3);
  EXPECT_TRUE(children().empty()) << "the candidacy's node was not withdrawn";
}

TEST_F(CandidateTest, StopWithdrawsTheNodeAndTheWatch) {
  const std::string rival = add_rival(2);
  BackgroundCandidate candidate(group);
  ASSERT_TRUE(eventually([&] { return tree->watch_count(rival) == 1; }));
  ASSERT_EQ(children().size(), 2u);
  candidate.stop();
  EXPECT_TRUE(candidate.done());
  EXPECT_EQ(candidate.term(), nullptr);
  EXPECT_EQ(children(), std::vector<std::string>{rival.substr(kPath.size() + 1)});
  EXPECT_EQ(tree->watch_count(rival), 0u);
}

TEST_F(CandidateTest, ExpiredSessionEndsTheCandidacy) {
  const std::string rival = add_rival(2);
  BackgroundCandidate candidate(group);
  ASSERT_TRUE(eventually([&] { return tree->watch_count(rival) == 1; }));
  zk->set_state(SessionState::Expired);
  ASSERT_TRUE(eventually([&] { return candidate.done(); }));
  EXPECT_EQ(candidate.term(), nullptr);
}

TEST_F(CandidateTest, WaitsWhileSuspendedAndJoinsOnReconnect) {
  zk->set_state(SessionState::Suspended);
  BackgroundCandidate candidate(group);
  EXPECT_FALSE(candidate.done());
  zk->set_state(SessionState::Connected);
  ASSERT_TRUE(eventually([&] { return candidate.done(); }));
  ASSERT_NE(candidate.term(), nullptr);
  EXPECT_EQ(zk->operation_count("create") - 2, 1);
}

TEST_F(CandidateTest, RetriesAfterAConnectionLoss) {
  std::atomic<int> failures{2};
  zk->before_op = [&](const std::string& op, const std::string&) -> std::optional<ZkError> {
    if (op == "get_children" && failures.fetch_sub(1) > 0) return ZkError::ConnectionLoss;
    return std::nullopt;
  };
  auto term = contend();
  ASSERT_TRUE(term);
  EXPECT_EQ(children().size(), 1u);
}

TEST_F(CandidateTest, JoinsAgainWhenItsNodeVanishes) {
  const std::string rival = add_rival(2);
  BackgroundCandidate candidate(group);
  ASSERT_TRUE(eventually([&] { return tree->watch_count(rival) == 1; }));
  std::string mine;
  for (const auto& name : children()) {
    if (kPath + "/" + name != rival) mine = kPath + "/" + name;
  }
  tree->remove(mine);  // e.g. by an operator
  tree->remove(rival);
  ASSERT_TRUE(eventually([&] { return candidate.done(); }));
  ASSERT_NE(candidate.term(), nullptr);
  EXPECT_NE(candidate.term()->node_path(), mine);
  EXPECT_EQ(children().size(), 1u);
}

// An ACL refusal cannot be retried away: the candidacy ends at once with an error naming the
// path, instead of spinning on Retry.
TEST_F(CandidateTest, AnAclRefusalToJoinEndsTheCandidacyWithAClearError) {
  add_rival(2);  // the path exists; only creating a child is refused
  zk->before_op = [](const std::string& op, const std::string& path) -> std::optional<ZkError> {
    if (op == "create" && path.starts_with(kPath + "/")) return ZkError::NoAuth;
    return std::nullopt;
  };
  try {
    contend();
    FAIL() << "no ElectionAccessDenied";
  } catch (const ElectionAccessDenied& e) {
    EXPECT_NE(std::string(e.what()).find(kPath), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--zk_auth_file"), std::string::npos) << e.what();
  }
  EXPECT_EQ(children().size(), 1u);
}

TEST_F(CandidateTest, AnAclRefusalToCreateTheParentsEndsTheCandidacy) {
  zk->before_op = [](const std::string& op, const std::string&) -> std::optional<ZkError> {
    if (op == "create") return ZkError::NoAuth;
    return std::nullopt;
  };
  EXPECT_THROW(contend(), ElectionAccessDenied);
  EXPECT_EQ(zk->operation_count("create"), 1);
}

}  // namespace
}  // namespace scale::cluster
