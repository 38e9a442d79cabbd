// Leader election against real ZooKeeper servers: replicas are threads, each with its own session.

#include "cluster/election.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "cluster/zookeeper_contender.h"
#include "cluster/zookeeper_session.h"
#include "tests/integration/cluster/test_replica.h"
#include "tests/integration/cluster/zookeeper_suite.h"
#include "tests/support/servers.h"
#include "tests/support/tcp_proxy.h"

namespace scale::cluster {
namespace {

using std::chrono::milliseconds;
using test::TcpProxy;
using test::wait_until;
using testing::ActingSampler;
using testing::force_expiry;
using testing::list_candidates;
using testing::participant;
using testing::TermRecord;
using testing::TestReplica;

constexpr milliseconds kDeadline{15000};

// Every term any replica held, in the order they began, has a larger epoch than the one before.
void expect_epochs_increase(const std::vector<std::unique_ptr<TestReplica>>& replicas) {
  std::vector<TermRecord> all;
  for (const auto& replica : replicas) {
    const auto terms = replica->terms();
    all.insert(all.end(), terms.begin(), terms.end());
  }
  std::sort(all.begin(), all.end(),
            [](const TermRecord& a, const TermRecord& b) { return a.started < b.started; });
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_GT(all[i].epoch, all[i - 1].epoch) << "term " << i << " of " << all.size();
  }
}

class ElectionTest : public testing::ZooKeeperSuite {
 protected:
  void SetUp() override {
    path = path_of_test("/scale");
    observer = Session::open(server->connect_string(), milliseconds(4000));
    ASSERT_TRUE(observer->wait_connected(kDeadline));
  }

  void start_replicas(int count, milliseconds session_timeout) {
    for (int i = 0; i < count; ++i) {
      replicas.push_back(std::make_unique<TestReplica>(
          "replica-" + std::to_string(i), server->connect_string(), session_timeout, path));
    }
  }
  std::vector<TestReplica*> raw_replicas() {
    std::vector<TestReplica*> raw;
    for (auto& replica : replicas) raw.push_back(replica.get());
    return raw;
  }
  TestReplica* by_id(const std::string& id) {
    for (auto& replica : replicas) {
      if (replica->id() == id) return replica.get();
    }
    return nullptr;
  }
  // Candidates as ZooKeeper orders them, read by an independent session.
  std::vector<std::string> candidate_ids() {
    std::vector<std::string> ids;
    for (const auto& candidate : list_candidates(*observer, path)) {
      ids.push_back(candidate.replica_id);
    }
    return ids;
  }
  // Every replica is in the election, one leads, and every follower has set its watch.
  bool settled(size_t candidates) {
    if (candidate_ids().size() != candidates) return false;
    int leaders = 0;
    for (auto& replica : replicas) {
      if (replica->acting()) ++leaders;
      if (replica->evaluations() == 0) return false;
    }
    return leaders == 1;
  }

  std::string path;
  std::shared_ptr<Session> observer;
  std::vector<std::unique_ptr<TestReplica>> replicas;
};

TEST_F(ElectionTest, FiveCandidatesElectExactlyOneLeader) {
  start_replicas(5, milliseconds(2000));
  ActingSampler sampler(raw_replicas());
  ASSERT_TRUE(wait_until([&] { return settled(5); }, kDeadline));
  const auto leader = sampler.sole_actor();
  ASSERT_TRUE(leader);
  // The lowest node leads: the first candidate listed is the acting replica.
  EXPECT_EQ(candidate_ids().front(), replicas[*leader]->id());
  // It stays that way while nothing happens.
  EXPECT_FALSE(wait_until([&] { return sampler.sole_actor() != leader; }, milliseconds(500)));
  EXPECT_EQ(sampler.max_simultaneous(), 1);
}

TEST_F(ElectionTest, LosingTheLeaderSessionPromotesOnlyItsSuccessor) {
  start_replicas(5, milliseconds(2000));
  ActingSampler sampler(raw_replicas());
  ASSERT_TRUE(wait_until([&] { return settled(5); }, kDeadline));
  const std::vector<std::string> order = candidate_ids();
  TestReplica* leader = by_id(order[0]);
  TestReplica* successor = by_id(order[1]);
  const long long old_epoch = leader->term()->epoch();
  std::map<std::string, int> evaluations;
  for (auto& replica : replicas) evaluations[replica->id()] = replica->evaluations();

  leader->crash();  // closes its session under the live term
  ASSERT_TRUE(wait_until([&] { return successor->acting(); }, kDeadline));
  EXPECT_GT(successor->term()->epoch(), old_epoch);
  EXPECT_EQ(successor->evaluations(), evaluations[successor->id()] + 1);
  // Nobody else was woken, not even a little later.
  auto someone_else_woke = [&] {
    for (size_t i = 2; i < order.size(); ++i) {
      if (by_id(order[i])->evaluations() != evaluations[order[i]]) return true;
    }
    return false;
  };
  EXPECT_FALSE(wait_until(someone_else_woke, milliseconds(300)));
  EXPECT_EQ(leader->finished_terms().at(0).reason, TermEndReason::Closed);
  EXPECT_EQ(candidate_ids(), std::vector<std::string>(order.begin() + 1, order.end()));
  EXPECT_EQ(sampler.max_simultaneous(), 1);
  EXPECT_TRUE(sampler.intervals_disjoint());
  expect_epochs_increase(replicas);
}

TEST_F(ElectionTest, ForcedExpiryEndsTheTermAndTheReplicaRejoinsWithANewSession) {
  start_replicas(3, milliseconds(4000));
  ActingSampler sampler(raw_replicas());
  ASSERT_TRUE(wait_until([&] { return settled(3); }, kDeadline));
  TestReplica* leader = by_id(candidate_ids()[0]);
  const long long old_epoch = leader->term()->epoch();
  const auto credentials = leader->credentials();
  ASSERT_TRUE(credentials);

  ASSERT_TRUE(force_expiry(server->connect_string(), *credentials));
  ASSERT_TRUE(wait_until([&] { return !leader->finished_terms().empty(); }, kDeadline));
  EXPECT_EQ(leader->finished_terms()[0].reason, TermEndReason::SessionExpired);

  // Someone else leads with a later epoch, and the old leader is a candidate again.
  ASSERT_TRUE(wait_until([&] { return settled(3); }, kDeadline));
  EXPECT_EQ(leader->sessions_opened(), 2);
  EXPECT_FALSE(leader->acting());
  EXPECT_EQ(candidate_ids().back(), leader->id());
  const auto actor = sampler.sole_actor();
  ASSERT_TRUE(actor);
  EXPECT_GT(replicas[*actor]->term()->epoch(), old_epoch);
  EXPECT_EQ(sampler.max_simultaneous(), 1);
  expect_epochs_increase(replicas);
}

TEST_F(ElectionTest, ResignHandsOverWithinMilliseconds) {
  start_replicas(2, milliseconds(4000));
  ASSERT_TRUE(wait_until([&] { return settled(2); }, kDeadline));
  const std::vector<std::string> order = candidate_ids();
  TestReplica* successor = by_id(order[1]);
  const auto resigned_at = std::chrono::steady_clock::now();
  by_id(order[0])->term()->resign();
  ASSERT_TRUE(wait_until([&] { return successor->acting(); }, kDeadline));
  // Far below the 4 s session timeout: no waiting for an expiry.
  EXPECT_LT(std::chrono::steady_clock::now() - resigned_at, milliseconds(1000));
  EXPECT_EQ(by_id(order[0])->finished_terms().at(0).reason, TermEndReason::Resigned);
}

TEST_F(ElectionTest, StoppedCandidateWithdrawsItsNode) {
  start_replicas(3, milliseconds(4000));
  ASSERT_TRUE(wait_until([&] { return settled(3); }, kDeadline));
  const std::vector<std::string> order = candidate_ids();
  by_id(order[1])->stop();
  EXPECT_EQ(candidate_ids(), (std::vector<std::string>{order[0], order[2]}));
  EXPECT_TRUE(by_id(order[0])->acting());
}

TEST_F(ElectionTest, CandidatesCarryTheirData) {
  start_replicas(1, milliseconds(4000));
  ASSERT_TRUE(wait_until([&] { return settled(1); }, kDeadline));
  const auto candidates = list_candidates(*observer, path);
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].replica_id, "replica-0");
  EXPECT_EQ(candidates[0].api_url, "http://replica-0:8000");
  EXPECT_FALSE(candidates[0].hostname.empty());
  EXPECT_GT(candidates[0].pid, 0);
  EXPECT_TRUE(list_candidates(*observer, "/no/such/path").empty());
}

TEST_F(ElectionTest, SuspendedLeaderStopsActingAndResumesOnReconnect) {
  TcpProxy proxy(server->port());
  auto solo = participant(proxy.address(), milliseconds(4000), path);
  ASSERT_EQ(solo.session->state(), SessionState::Connected);
  auto term = ZooKeeperContender(solo.group).contend(CandidateInfo{"solo", "", "", 0, "", ""}, {});
  ASSERT_TRUE(term);
  const long long epoch = term->epoch();

  proxy.cut();
  ASSERT_TRUE(wait_until([&] { return !term->acting(); }, kDeadline));
  EXPECT_FALSE(term->ended());
  proxy.restore();
  ASSERT_TRUE(wait_until([&] { return term->acting(); }, kDeadline));
  EXPECT_FALSE(term->ended());
  EXPECT_EQ(term->epoch(), epoch);
}

TEST_F(ElectionTest, SuspendedPastTheTimeoutEndsTheTermAndNoNodeIsLeftBehind) {
  TcpProxy proxy(server->port());
  const milliseconds timeout(1000);
  auto solo = participant(proxy.address(), timeout, path);
  ASSERT_EQ(solo.session->state(), SessionState::Connected);
  const CandidateInfo me{"solo", "", "", 0, "", ""};
  ZooKeeperContender contender(solo.group);
  auto term = contender.contend(me, {});
  ASSERT_TRUE(term);
  const long long first_epoch = term->epoch();

  proxy.cut();
  const auto cut_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(term->wait_ended(kDeadline));
  EXPECT_EQ(term->end_reason(), TermEndReason::SuspendedTooLong);
  EXPECT_GE(std::chrono::steady_clock::now() - cut_at, timeout);
  proxy.restore();

  // Whether the ensemble expired the session meanwhile or not (a race by design), the replica
  // leads again with a later epoch and exactly one node: a surviving session's old node goes,
  // an expired one is replaced by the group (the candidacy then ends and runs again, as a
  // replica's does).
  std::unique_ptr<Term> next;
  for (int attempt = 0; attempt < 3 && !next; ++attempt) next = contender.contend(me, {});
  ASSERT_TRUE(next);
  EXPECT_GT(next->epoch(), first_epoch);
  EXPECT_EQ(list_candidates(*observer, path).size(), 1u);
}

TEST(EnsembleElectionTest, KillingTheEnsembleLeaderNeverOverlapsTerms) {
  test::ZooKeeperEnsemble ensemble(3);
  std::vector<std::unique_ptr<TestReplica>> replicas;
  std::vector<TestReplica*> raw;
  for (int i = 0; i < 3; ++i) {
    replicas.push_back(std::make_unique<TestReplica>("replica-" + std::to_string(i),
                                                     ensemble.connect_string(), milliseconds(4000),
                                                     "/scale/election"));
    raw.push_back(replicas.back().get());
  }
  ActingSampler sampler(raw);
  ASSERT_TRUE(wait_until([&] { return sampler.sole_actor().has_value(); }, kDeadline));

  const int zk_leader = ensemble.leader_index();
  ASSERT_GE(zk_leader, 0);
  ensemble.kill(zk_leader);
  ASSERT_TRUE(ensemble.wait_quorum(kDeadline));
  ASSERT_TRUE(wait_until([&] { return sampler.sole_actor().has_value(); }, kDeadline));
  // Stable again for a moment.
  const auto actor = sampler.sole_actor();
  EXPECT_FALSE(wait_until([&] { return sampler.sole_actor() != actor; }, milliseconds(500)));

  EXPECT_EQ(sampler.max_simultaneous(), 1);
  EXPECT_TRUE(sampler.intervals_disjoint());
  expect_epochs_increase(replicas);
}

}  // namespace
}  // namespace scale::cluster
