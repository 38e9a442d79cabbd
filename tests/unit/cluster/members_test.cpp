#include "cluster/members.h"

#include <gtest/gtest.h>

#include <set>

namespace scale::cluster {
namespace {

std::vector<Member> rank(const std::vector<std::string>& children) {
  return rank_members(children, election_members());
}

TEST(Members, GuidIs32LowercaseHexDigitsAndFreshEachTime) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string guid = make_guid();
    ASSERT_EQ(guid.size(), 32u);
    EXPECT_EQ(guid.find_first_not_of("0123456789abcdef"), std::string::npos) << guid;
    seen.insert(guid);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Members, PrefixCarriesTheGuid) {
  EXPECT_EQ(member_prefix(election_members(), "abc"), "n_abc-");
  EXPECT_EQ(member_prefix(master_members()), "json.info_");
}

TEST(Members, ParsesTheSequenceZooKeeperAppends) {
  EXPECT_EQ(member_sequence("n_0123abcd-0000000042", election_members()), 42);
  EXPECT_EQ(member_sequence("n_x-0000000000", election_members()), 0);
  EXPECT_EQ(member_sequence("n_x-2147483647", election_members()), 2147483647LL);
}

TEST(Members, RejectsNamesThatAreNotElectionNodes) {
  EXPECT_FALSE(member_sequence("lock-0000000001", election_members()));   // foreign prefix
  EXPECT_FALSE(member_sequence("n_abc", election_members()));             // no sequence
  EXPECT_FALSE(member_sequence("n_abc-", election_members()));            // empty sequence
  EXPECT_FALSE(member_sequence("n_abc-00000x0001", election_members()));  // not digits
  EXPECT_FALSE(
      member_sequence("n_abc-000000000001", election_members()));  // longer than ZooKeeper writes
  EXPECT_FALSE(member_sequence("n_-", election_members()));
}

TEST(Members, RanksBySequenceNotByName) {
  // The guid comes first in the name, so name order is not sequence order.
  const auto ranked = rank({"n_ffff-0000000003", "n_0000-0000000007", "junk", "n_aaaa-0000000001"});
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].name, "n_aaaa-0000000001");
  EXPECT_EQ(ranked[1].name, "n_ffff-0000000003");
  EXPECT_EQ(ranked[2].name, "n_0000-0000000007");
  EXPECT_EQ(ranked[2].sequence, 7);
}

TEST(Members, FindsNodesOfAGuidLowestFirst) {
  const auto ranked =
      rank({"n_bb-0000000009", "n_aa-0000000004", "n_bb-0000000002", "n_bbb-0000000001"});
  EXPECT_EQ(members_tagged(ranked, election_members(), "bb"),
            (std::vector<std::string>{"n_bb-0000000002", "n_bb-0000000009"}));
  EXPECT_TRUE(members_tagged(ranked, election_members(), "cc").empty());
}

TEST(Members, LowestLeads) {
  const auto ranked = rank({"n_b-0000000002", "n_a-0000000001"});
  const Standing standing = standing_of(ranked, "n_a-0000000001");
  EXPECT_EQ(standing.position, Position::Leader);
  EXPECT_TRUE(standing.predecessor.empty());
}

TEST(Members, FollowerWatchesOnlyTheNextLowerNode) {
  const auto ranked =
      rank({"n_d-0000000009", "n_a-0000000001", "n_c-0000000005", "n_b-0000000003"});
  EXPECT_EQ(standing_of(ranked, "n_d-0000000009").predecessor, "n_c-0000000005");
  EXPECT_EQ(standing_of(ranked, "n_c-0000000005").predecessor, "n_b-0000000003");
  EXPECT_EQ(standing_of(ranked, "n_b-0000000003").predecessor, "n_a-0000000001");
  EXPECT_EQ(standing_of(ranked, "n_d-0000000009").position, Position::Follower);
}

TEST(Members, GapsLeftByDepartedNodesAreSkipped) {
  const auto ranked = rank({"n_a-0000000001", "n_d-0000000009"});
  EXPECT_EQ(standing_of(ranked, "n_d-0000000009").predecessor, "n_a-0000000001");
}

TEST(Members, OwnNodeMissingFromTheListing) {
  const auto ranked = rank({"n_a-0000000001"});
  EXPECT_EQ(standing_of(ranked, "n_z-0000000004").position, Position::Missing);
  EXPECT_EQ(standing_of({}, "n_z-0000000004").position, Position::Missing);
}

// The Mesos masters' group follows the same rule: the lowest sequence leads.
TEST(Members, LowestJsonInfoMemberLeadsTheMasters) {
  const auto ranked = rank_members({"json.info_0000000043", "log_replicas", "json.info_0000000042",
                                    "info_0000000001", "json.info_", "json.info_12x"},
                                   master_members());
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].name, "json.info_0000000042");
  EXPECT_EQ(ranked[0].sequence, 42);
  EXPECT_TRUE(rank_members({"log_replicas", "info_0000000001"}, master_members()).empty());
  EXPECT_EQ(rank_members({"json.info_10000000000", "json.info_9999999999"}, master_members())
                .front()
                .name,
            "json.info_9999999999");
  EXPECT_FALSE(member_sequence("n_abc-0000000001", master_members()));
  EXPECT_FALSE(member_sequence("json.info_0000000001", election_members()));
}

}  // namespace
}  // namespace scale::cluster
