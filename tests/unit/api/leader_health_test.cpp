#include <gtest/gtest.h>

#include "api/leader_health_handler.h"
#include "api/version_handler.h"

namespace scale::api {
namespace {

db::LeaderRecord record(const std::string& replica_id) {
  return db::LeaderRecord{42, replica_id, "http://127.0.0.1:8001", "2024-01-02T03:04:05Z"};
}

TEST(LeaderResponse, FenceHolderConfirmedByZooKeeper) {
  const auto response = leader_response(record("r1"), LocalView{Role::Follower, "r1"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"replica_id":"r1","api_url":"http://127.0.0.1:8001","epoch":42,)"
                           R"("since":"2024-01-02T03:04:05Z"})");
}

TEST(LeaderResponse, NoZooKeeperLeaderIsNoLeader) {
  const auto response = leader_response(record("r1"), LocalView{});
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body, R"({"detail":"no leader"})");
  EXPECT_EQ(leader_response(std::nullopt, LocalView{}).body, R"({"detail":"no leader"})");
}

TEST(LeaderResponse, ZooKeeperLeaderNotYetPromotedIsElection) {
  // r1's row is left over from a dead term; r2 leads in ZooKeeper but has not bumped the fence.
  auto response = leader_response(record("r1"), LocalView{Role::Follower, "r2"});
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body, R"({"detail":"election in progress"})");
  response = leader_response(std::nullopt, LocalView{Role::Follower, "r2"});
  EXPECT_EQ(response.body, R"({"detail":"election in progress"})");
}

TEST(LeaderResponse, EmptyFenceRowIsNoLeader) {
  EXPECT_EQ(leader_response(record(""), LocalView{Role::Follower, ""}).status, 503);
}

TEST(LeaderHealth, StatusByRole) {
  EXPECT_EQ(leaderhealth_response(Role::Leader).status, 200);
  EXPECT_EQ(leaderhealth_response(Role::Leader).body, R"({"leader":true})");
  EXPECT_EQ(leaderhealth_response(Role::Follower).status, 503);
  EXPECT_EQ(leaderhealth_response(Role::Unknown).status, 502);
  EXPECT_NE(leaderhealth_response(Role::Unknown).body.find("detail"), std::string::npos);
}

TEST(Version, VersionAndPing) {
  EXPECT_EQ(version_response("1.2.3").body, R"({"version":"1.2.3"})");
  EXPECT_EQ(ping_response().status, 200);
  EXPECT_EQ(ping_response().body, R"({"ok":true})");
}

}  // namespace
}  // namespace scale::api
