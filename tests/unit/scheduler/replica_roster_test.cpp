#include "scheduler/replica_roster.h"

#include <gtest/gtest.h>

#include "cluster/candidate_info.h"

namespace scale::scheduler {
namespace {

using std::chrono::milliseconds;
using Wall = std::chrono::system_clock;

cluster::Member member(const std::string& name, long long sequence, const std::string& id) {
  cluster::CandidateInfo info{id, "http://" + id, "host", 7, "1.0", "S"};
  return {name, sequence, cluster::to_json(info)};
}

TEST(HeartbeatAge, IsTheSecondsSinceTheRefreshToTheMillisecond) {
  const Wall::time_point now = Wall::time_point(milliseconds(1'000'000));
  EXPECT_DOUBLE_EQ(heartbeat_age_s(now - milliseconds(2500), now), 2.5);
  EXPECT_DOUBLE_EQ(heartbeat_age_s(now, now), 0.0);
}

TEST(HeartbeatAge, ARefreshAheadOfThisClockIsFreshNotNegative) {
  const Wall::time_point now = Wall::time_point(milliseconds(1'000'000));
  EXPECT_DOUBLE_EQ(heartbeat_age_s(now + milliseconds(40), now), 0.0);
}

TEST(ReplicasSeen, KeepsElectionOrderAndGivesEachKnownRefreshItsAge) {
  const Wall::time_point now = Wall::time_point(milliseconds(5'000'000));
  const std::vector<cluster::Member> members{member("n_a-0000000001", 1, "r1"),
                                             member("n_b-0000000002", 2, "r2"),
                                             member("n_c-0000000003", 3, "r3")};
  const std::map<std::string, Wall::time_point> refreshed{
      {"n_a-0000000001", now - milliseconds(1200)}, {"n_c-0000000003", now - milliseconds(90000)}};
  const auto seen = replicas_seen(members, refreshed, now);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].replica_id, "r1");
  EXPECT_EQ(seen[0].api_url, "http://r1");
  EXPECT_EQ(seen[0].pid, 7);
  EXPECT_EQ(seen[0].version, "1.0");
  EXPECT_FALSE(seen[0].leader);  // the caller's to say
  ASSERT_TRUE(seen[0].heartbeat_age_s.has_value());
  EXPECT_DOUBLE_EQ(*seen[0].heartbeat_age_s, 1.2);
  EXPECT_EQ(seen[1].replica_id, "r2");
  EXPECT_FALSE(seen[1].heartbeat_age_s.has_value());  // not measured: no number, not zero
  EXPECT_DOUBLE_EQ(*seen[2].heartbeat_age_s, 90.0);   // a stale one shows how stale
}

TEST(ReplicasSeen, LeavesOutAMemberWhoseDataIsNotACandidates) {
  const std::vector<cluster::Member> members{{"n_x-0000000001", 1, "not json"},
                                             member("n_y-0000000002", 2, "r2")};
  const auto seen = replicas_seen(members, {}, Wall::now());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].replica_id, "r2");
}

}  // namespace
}  // namespace scale::scheduler
