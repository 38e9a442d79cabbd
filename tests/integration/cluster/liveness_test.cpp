// Liveness on a real ZooKeeper server: every group with a refresh interval rewrites its election
// node's data that often, every group reads when each member last did (the node's mtime), so a
// member that stops refreshing is seen ageing while the others stay fresh. The refreshes are data
// changes only: no term ends and no follower lists the members again because of them.

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "cluster/candidate_info.h"
#include "cluster/zookeeper_contender.h"
#include "cluster/zookeeper_detector.h"
#include "tests/integration/cluster/test_replica.h"
#include "tests/integration/cluster/zookeeper_suite.h"
#include "tests/support/servers.h"

namespace scale::cluster {
namespace {

using std::chrono::milliseconds;
using test::wait_until;
using Wall = std::chrono::system_clock;

constexpr milliseconds kDeadline{10000};
constexpr milliseconds kRefresh{200};
constexpr milliseconds kSession{4000};

// A follower's candidacy on its own thread, counting how often it reads the members.
struct Follower {
  Follower(const std::string& id, testing::Participant joined) : participant(std::move(joined)) {
    ContenderHooks hooks;
    hooks.on_evaluate = [this](const std::string&) { ++evaluations; };
    thread = std::jthread([this, id, hooks](std::stop_token stop) {
      ZooKeeperContender contender(participant.group, hooks);
      term = contender.contend(CandidateInfo{id, "http://" + id, "", 0, "", ""}, stop);
    });
  }
  ~Follower() {
    thread.request_stop();
    thread.join();
  }
  testing::Participant participant;
  std::atomic<int> evaluations{0};
  std::unique_ptr<Term> term;
  std::jthread thread;
};

class LivenessTest : public testing::ZooKeeperSuite {
 protected:
  testing::Participant join(milliseconds refresh) {
    return testing::participant(server->connect_string(), kSession, path_of_test("/liveness"),
                                std::nullopt, refresh);
  }
};

// Ages by replica id, as the detector sees them now; a replica without a known refresh is left out.
std::map<std::string, double> ages(const Detector& detector) {
  const auto refreshed = detector.refreshed();
  const auto now = Wall::now();
  std::map<std::string, double> out;
  for (const Member& member : detector.members()) {
    const auto info = parse_candidate_info(member.data);
    const auto at = refreshed.find(member.name);
    if (!info || at == refreshed.end()) continue;
    out[info->replica_id] = std::chrono::duration<double>(now - at->second).count();
  }
  return out;
}

TEST_F(LivenessTest, AgesStayFreshWhileMembersRefreshAndGrowForOneThatDoesNot) {
  auto leader_side = join(kRefresh);
  ZooKeeperDetector detector(leader_side.group);
  auto term = ZooKeeperContender(leader_side.group)
                  .contend(CandidateInfo{"leader", "http://leader", "", 0, "", ""}, {});
  ASSERT_TRUE(term);
  Follower live("live", join(kRefresh));
  Follower silent("silent", join(milliseconds(0)));  // never refreshes: a wedged replica
  ASSERT_TRUE(wait_until([&] { return ages(detector).size() == 3; }, kDeadline))
      << "the detector never knew every member's refresh";
  const int live_evaluations = live.evaluations;
  const int silent_evaluations = silent.evaluations;

  // Ten refresh intervals: the refreshing ones stay within a few intervals, the silent one ages.
  const auto until = std::chrono::steady_clock::now() + kRefresh * 10;
  double worst_fresh = 0;
  while (std::chrono::steady_clock::now() < until) {
    const auto now = ages(detector);
    if (now.contains("leader")) worst_fresh = std::max(worst_fresh, now.at("leader"));
    if (now.contains("live")) worst_fresh = std::max(worst_fresh, now.at("live"));
    std::this_thread::sleep_for(milliseconds(20));  // sampling, not synchronisation
  }
  EXPECT_LT(worst_fresh, 1.0) << "a refreshing member looked stale";
  ASSERT_TRUE(wait_until([&] { return ages(detector)["silent"] > 2.0; }, kDeadline))
      << "the member that stopped refreshing did not age: " << ages(detector)["silent"];

  // The refreshes moved no one in the election.
  EXPECT_TRUE(term->acting());
  EXPECT_FALSE(term->ended());
  EXPECT_EQ(live.evaluations, live_evaluations) << "a predecessor's refresh re-listed the members";
  EXPECT_EQ(silent.evaluations, silent_evaluations);
  EXPECT_EQ(detector.members().size(), 3u);
  term->resign();
}

TEST_F(LivenessTest, AGroupWithoutARefreshIntervalKnowsNoAges) {
  auto side = join(milliseconds(0));
  ZooKeeperDetector detector(side.group);
  auto term = ZooKeeperContender(side.group).contend(CandidateInfo{"only", "", "", 0, "", ""}, {});
  ASSERT_TRUE(term);
  ASSERT_TRUE(wait_until([&] { return detector.members().size() == 1; }, kDeadline));
  EXPECT_TRUE(detector.refreshed().empty());
  term->resign();
}

}  // namespace
}  // namespace scale::cluster
