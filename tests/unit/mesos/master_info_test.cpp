// What a Mesos master registers in ZooKeeper: which member leads (the rule of cluster/members)
// and what address its MasterInfo holds.
#include "cluster/master_info.h"

#include <gtest/gtest.h>

#include "cluster/members.h"

namespace scale::cluster {
namespace {

std::optional<std::string> leading_master_node(const std::vector<std::string>& children) {
  const auto ranked = rank_members(children, master_members());
  if (ranked.empty()) return std::nullopt;
  return ranked.front().name;
}

TEST(MasterInfoParse, LowestJsonInfoNodeLeads) {
  EXPECT_EQ(leading_master_node({"json.info_0000000043", "log_replicas", "json.info_0000000042",
                                 "info_0000000001", "json.info_", "json.info_12x"}),
            std::optional<std::string>("json.info_0000000042"));
  EXPECT_EQ(leading_master_node({"log_replicas", "info_0000000001"}), std::nullopt);
  EXPECT_EQ(leading_master_node({"json.info_10000000000", "json.info_9999999999"}),
            std::optional<std::string>("json.info_9999999999"));
}

TEST(MasterInfoParse, AddressFromMasterInfo) {
  auto a = parse_master_info(R"({"id":"x","ip":16777343,"port":5050,"pid":"master@10.0.0.1:5050",
    "hostname":"m1","version":"1.11.0","address":{"hostname":"m1","ip":"10.0.0.1","port":5050}})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "10.0.0.1");
  EXPECT_EQ(a->port, 5050);
  auto hostname_only = parse_master_info(R"({"address":{"hostname":"m2","port":5051}})");
  ASSERT_TRUE(hostname_only);
  EXPECT_EQ(hostname_only->host, "m2");
  auto legacy = parse_master_info(R"({"hostname":"m3","port":5052})");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->host, "m3");
  EXPECT_EQ(legacy->port, 5052);
  EXPECT_FALSE(parse_master_info("not json"));
  EXPECT_FALSE(parse_master_info(R"({"address":{"ip":"10.0.0.1"}})"));
}

}  // namespace
}  // namespace scale::cluster
