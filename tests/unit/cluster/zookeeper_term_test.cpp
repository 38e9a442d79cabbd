// ZooKeeperTerm over a Group on the in-process fake.
#include "cluster/zookeeper_term.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <vector>

#include "cluster/paths.h"
#include "tests/unit/cluster/fake_zookeeper.h"

namespace scale::cluster {
namespace {

using std::chrono::milliseconds;
using testing::eventually;
using testing::fake_ensemble;
using testing::FakeSession;
using testing::FakeZooKeeper;

constexpr long long kSession = 0x100;
constexpr milliseconds kShortTimeout{200};

// Records every on_end call.
struct EndLog {
  void attach(Term& term) {
    term.on_end([this](TermEndReason reason) {
      std::lock_guard lock(mutex);
      reasons.push_back(reason);
    });
  }
  std::vector<TermEndReason> seen() {
    std::lock_guard lock(mutex);
    return reasons;
  }
  std::mutex mutex;
  std::vector<TermEndReason> reasons;
};

class TermTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree->create(0, "/e", "", CreateMode::Persistent, nullptr);
    tree->create(kSession, "/e/n_x-", "{}", CreateMode::EphemeralSequential, &node);
  }
  // The election group "/e" on `session`; one ensemble per session (it closes it when it goes).
  std::shared_ptr<Group> group_on(std::shared_ptr<FakeSession> session) {
    auto& ensemble = ensembles[session.get()];
    if (!ensemble) ensemble = fake_ensemble({session});
    return std::make_shared<Group>(ensemble, "/e", election_members());
  }
  ZooKeeperTerm::Claim claim_member(std::shared_ptr<FakeSession> session, const std::string& path) {
    return ZooKeeperTerm::claim(group_on(session), base_name(path));
  }
  std::unique_ptr<ZooKeeperTerm> claim(std::shared_ptr<FakeSession> session) {
    auto claimed = claim_member(session, node);
    EXPECT_EQ(claimed.outcome, ZooKeeperTerm::ClaimOutcome::Claimed);
    return std::move(claimed.term);
  }

  std::shared_ptr<FakeZooKeeper> tree = std::make_shared<FakeZooKeeper>();
  std::shared_ptr<FakeSession> zk = std::make_shared<FakeSession>(tree, kSession, kShortTimeout);
  std::string node;
  EndLog log;
  std::map<FakeSession*, std::shared_ptr<Ensemble>> ensembles;
};

TEST_F(TermTest, ClaimNeedsTheNodeAndItsOwnership) {
  EXPECT_EQ(claim_member(zk, "/e/n_missing-0000000009").outcome,
            ZooKeeperTerm::ClaimOutcome::NodeMissing);
  std::string foreign;
  tree->create(2, "/e/n_y-", "{}", CreateMode::EphemeralSequential, &foreign);
  const auto not_ours = claim_member(zk, foreign);
  EXPECT_EQ(not_ours.outcome, ZooKeeperTerm::ClaimOutcome::NotOwner);
  EXPECT_EQ(not_ours.owner, 2);
  EXPECT_EQ(not_ours.term, nullptr);

  auto term = claim(zk);
  ASSERT_TRUE(term);
  EXPECT_EQ(term->epoch(), tree->node(node)->czxid);
  EXPECT_EQ(term->node_path(), node);
  EXPECT_TRUE(term->acting());
  EXPECT_FALSE(term->ended());
  EXPECT_EQ(term->end_reason(), TermEndReason::None);
}

TEST_F(TermTest, StopsActingWhileSuspendedAndResumesOnReconnect) {
  auto patient = std::make_shared<FakeSession>(tree, kSession, milliseconds(60000));
  auto term = claim(patient);
  patient->set_state(SessionState::Suspended);
  EXPECT_FALSE(term->acting());  // at once, not after a timer
  EXPECT_FALSE(term->ended());
  patient->set_state(SessionState::Connected);
  EXPECT_TRUE(term->acting());
  EXPECT_FALSE(term->wait_ended(milliseconds(50)));
}

TEST_F(TermTest, SuspendedLongerThanTheSessionTimeoutEndsAndTheNodeGoesOnReconnect) {
  auto term = claim(zk);
  log.attach(*term);
  const auto suspended_at = std::chrono::steady_clock::now();
  zk->set_state(SessionState::Suspended);
  ASSERT_TRUE(term->wait_ended(milliseconds(5000)));
  EXPECT_GE(std::chrono::steady_clock::now() - suspended_at, kShortTimeout);
  EXPECT_EQ(term->end_reason(), TermEndReason::SuspendedTooLong);
  // Callbacks run just after the end is visible, on the monitor thread.
  EXPECT_TRUE(
      eventually([&] { return log.seen() == std::vector{TermEndReason::SuspendedTooLong}; }));
  EXPECT_TRUE(tree->contains(node));

  // The session survived after all: the node must not keep leading for nobody.
  zk->set_state(SessionState::Connected);
  EXPECT_TRUE(eventually([&] { return !tree->contains(node); }));
  EXPECT_FALSE(term->acting());
  EXPECT_EQ(log.seen().size(), 1u);
}

TEST_F(TermTest, DeletedNodeEndsTheTerm) {
  auto term = claim(zk);
  log.attach(*term);
  tree->remove(node);
  EXPECT_FALSE(term->acting());  // the watch callback already knows
  ASSERT_TRUE(term->wait_ended(milliseconds(5000)));
  EXPECT_EQ(term->end_reason(), TermEndReason::NodeDeleted);
  // Callbacks run just after the end is visible, on the monitor thread.
  EXPECT_TRUE(eventually([&] { return log.seen() == std::vector{TermEndReason::NodeDeleted}; }));
}

TEST_F(TermTest, ExpiredSessionEndsTheTerm) {
  auto term = claim(zk);
  log.attach(*term);
  zk->set_state(SessionState::Expired);
  EXPECT_FALSE(term->acting());
  ASSERT_TRUE(term->wait_ended(milliseconds(5000)));
  EXPECT_EQ(term->end_reason(), TermEndReason::SessionExpired);
  // Callbacks run just after the end is visible, on the monitor thread.
  EXPECT_TRUE(eventually([&] { return log.seen() == std::vector{TermEndReason::SessionExpired}; }));
}

TEST_F(TermTest, ClosedSessionEndsTheTerm) {
  auto term = claim(zk);
  zk->set_state(SessionState::Closed);
  ASSERT_TRUE(term->wait_ended(milliseconds(5000)));
  EXPECT_EQ(term->end_reason(), TermEndReason::Closed);
  term->resign();  // harmless on a closed session
}

TEST_F(TermTest, ResignRemovesTheNodeAndEndsExactlyOnce) {
  auto term = claim(zk);
  log.attach(*term);
  EndLog second;
  second.attach(*term);
  term->resign();
  term->resign();
  EXPECT_TRUE(term->ended());
  EXPECT_FALSE(term->acting());
  EXPECT_EQ(term->end_reason(), TermEndReason::Resigned);
  EXPECT_FALSE(tree->contains(node));
  EXPECT_EQ(log.seen(), std::vector{TermEndReason::Resigned});
  EXPECT_EQ(second.seen(), std::vector{TermEndReason::Resigned});
  // The reason does not change when the node's deletion is seen afterwards.
  EXPECT_TRUE(term->wait_ended(milliseconds(0)));
  EXPECT_EQ(term->end_reason(), TermEndReason::Resigned);

  EndLog late;
  late.attach(*term);  // after the end: called at once
  EXPECT_EQ(late.seen(), std::vector{TermEndReason::Resigned});
}

TEST_F(TermTest, DestroyingALiveTermResigns) {
  auto term = claim(zk);
  log.attach(*term);
  term.reset();
  EXPECT_FALSE(tree->contains(node));
  EXPECT_EQ(log.seen(), std::vector{TermEndReason::Resigned});
}

TEST_F(TermTest, ResignWhileSuspendedDoesNotBlockAndRemovesTheNodeOnReconnect) {
  auto patient = std::make_shared<FakeSession>(tree, kSession, milliseconds(60000));
  auto term = claim(patient);
  patient->set_state(SessionState::Suspended);
  term->resign();
  EXPECT_EQ(term->end_reason(), TermEndReason::Resigned);
  EXPECT_TRUE(tree->contains(node));
  patient->set_state(SessionState::Connected);
  EXPECT_TRUE(eventually([&] { return !tree->contains(node); }));
}

// A session nobody has confirmed for most of its timeout may already be expired on the ensemble
// (the process was frozen, say): the leader stops acting without waiting for its client to notice.
TEST_F(TermTest, StopsActingWhenTheSessionGoesUnconfirmedAndResumesWhenAProbeIsAnswered) {
  std::atomic<bool> unanswered{false};
  zk->before_op = [&](const std::string& op, const std::string&) -> std::optional<ZkError> {
    if (op == "exists" && unanswered) return ZkError::ConnectionLoss;
    return std::nullopt;
  };
  auto term = claim(zk);
  ASSERT_TRUE(term->acting());
  unanswered = true;
  ASSERT_TRUE(eventually([&] { return !term->acting(); }));
  EXPECT_FALSE(term->ended());
  unanswered = false;
  EXPECT_TRUE(eventually([&] { return term->acting(); }));
  EXPECT_FALSE(term->ended());
}

TEST_F(TermTest, ReconnectReArmsTheNodeWatch) {
  auto patient = std::make_shared<FakeSession>(tree, kSession, milliseconds(60000));
  auto term = claim(patient);
  ASSERT_EQ(tree->watch_count(node), 1u);
  const int exists_before = patient->operation_count("exists");
  patient->set_state(SessionState::Suspended);
  patient->set_state(SessionState::Connected);
  ASSERT_TRUE(eventually([&] { return patient->operation_count("exists") > exists_before; }));
  ASSERT_TRUE(eventually([&] { return tree->watch_count(node) == 1; }));
  tree->remove(node);
  ASSERT_TRUE(term->wait_ended(milliseconds(5000)));
  EXPECT_EQ(term->end_reason(), TermEndReason::NodeDeleted);
}

TEST_F(TermTest, NodeGoneWhileAwayIsFoundOnReconnect) {
  auto patient = std::make_shared<FakeSession>(tree, kSession, milliseconds(60000));
  auto term = claim(patient);
  patient->set_state(SessionState::Suspended);
  tree->drop_watches(node);  // its notification is lost with the connection
  tree->remove(node);
  EXPECT_FALSE(term->ended());
  patient->set_state(SessionState::Connected);
  ASSERT_TRUE(term->wait_ended(milliseconds(5000)));
  EXPECT_EQ(term->end_reason(), TermEndReason::NodeDeleted);
}

TEST_F(TermTest, OnEndCallbackMayDestroyTheTerm) {
  std::unique_ptr<ZooKeeperTerm> term = claim(zk);
  std::atomic<bool> called{false};
  std::mutex mutex;
  term->on_end([&](TermEndReason) {
    std::lock_guard lock(mutex);
    term.reset();  // from the monitor thread
    called = true;
  });
  zk->set_state(SessionState::Suspended);
  ASSERT_TRUE(eventually([&] { return called.load(); }));
  std::lock_guard lock(mutex);
  EXPECT_EQ(term, nullptr);
}

}  // namespace
}  // namespace scale::cluster
