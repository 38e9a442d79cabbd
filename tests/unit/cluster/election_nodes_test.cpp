#include "cluster/election_nodes.h"

#include <gtest/gtest.h>

#include <set>

namespace scale::cluster {
namespace {

TEST(ElectionNodes, GuidIs32LowercaseHexDigitsAndFreshEachTime) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string guid = make_guid();
    ASSERT_EQ(guid.size(), 32u);
    EXPECT_EQ(guid.find_first_not_of("0123456789abcdef"), std::string::npos) << guid;
    seen.insert(guid);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(ElectionNodes, PrefixCarriesTheGuid) {
  EXPECT_EQ(node_prefix("abc"), "n_abc-");
}

TEST(ElectionNodes, ParsesTheSequenceZooKeeperAppends) {
  EXPECT_EQ(parse_sequence("n_0123abcd-0000000042"), 42);
  EXPECT_EQ(parse_sequence("n_x-0000000000"), 0);
  EXPECT_EQ(parse_sequence("n_x-2147483647"), 2147483647LL);
}

TEST(ElectionNodes, RejectsNamesThatAreNotElectionNodes) {
  EXPECT_FALSE(parse_sequence("lock-0000000001"));     // foreign prefix
  EXPECT_FALSE(parse_sequence("n_abc"));               // no sequence
  EXPECT_FALSE(parse_sequence("n_abc-"));              // empty sequence
  EXPECT_FALSE(parse_sequence("n_abc-00000x0001"));    // not digits
  EXPECT_FALSE(parse_sequence("n_abc-000000000001"));  // longer than ZooKeeper writes
  EXPECT_FALSE(parse_sequence("n_-"));
}

TEST(ElectionNodes, RanksBySequenceNotByName) {
  // The guid comes first in the name, so name order is not sequence order.
  const auto ranked =
      rank_nodes({"n_ffff-0000000003", "n_0000-0000000007", "junk", "n_aaaa-0000000001"});
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].name, "n_aaaa-0000000001");
  EXPECT_EQ(ranked[1].name, "n_ffff-0000000003");
  EXPECT_EQ(ranked[2].name, "n_0000-0000000007");
  EXPECT_EQ(ranked[2].sequence, 7);
}

TEST(ElectionNodes, FindsNodesOfAGuidLowestFirst) {
  const auto ranked =
      rank_nodes({"n_bb-0000000009", "n_aa-0000000004", "n_bb-0000000002", "n_bbb-0000000001"});
  EXPECT_EQ(nodes_of_guid(ranked, "bb"),
            (std::vector<std::string>{"n_bb-0000000002", "n_bb-0000000009"}));
  EXPECT_TRUE(nodes_of_guid(ranked, "cc").empty());
}

TEST(ElectionNodes, LowestLeads) {
  const auto ranked = rank_nodes({"n_b-0000000002", "n_a-0000000001"});
  const Standing standing = standing_of(ranked, "n_a-0000000001");
  EXPECT_EQ(standing.position, Position::Leader);
  EXPECT_TRUE(standing.predecessor.empty());
}

TEST(ElectionNodes, FollowerWatchesOnlyTheNextLowerNode) {
  const auto ranked =
      rank_nodes({"n_d-0000000009", "n_a-0000000001", "n_c-0000000005", "n_b-0000000003"});
  EXPECT_EQ(standing_of(ranked, "n_d-0000000009").predecessor, "n_c-0000000005");
  EXPECT_EQ(standing_of(ranked, "n_c-0000000005").predecessor, "n_b-0000000003");
  EXPECT_EQ(standing_of(ranked, "n_b-0000000003").predecessor, "n_a-0000000001");
  EXPECT_EQ(standing_of(ranked, "n_d-0000000009").position, Position::Follower);
}

TEST(ElectionNodes, GapsLeftByDepartedNodesAreSkipped) {
  const auto ranked = rank_nodes({"n_a-0000000001", "n_d-0000000009"});
  EXPECT_EQ(standing_of(ranked, "n_d-0000000009").predecessor, "n_a-0000000001");
}

TEST(ElectionNodes, OwnNodeMissingFromTheListing) {
  const auto ranked = rank_nodes({"n_a-0000000001"});
  EXPECT_EQ(standing_of(ranked, "n_z-0000000004").position, Position::Missing);
  EXPECT_EQ(standing_of({}, "n_z-0000000004").position, Position::Missing);
}

}  // namespace
}  // namespace scale::cluster
