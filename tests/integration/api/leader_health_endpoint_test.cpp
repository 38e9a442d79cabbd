// GET /v6/leader/, /leaderhealth, /healthz, /ping, /v6/version/ over HTTP.
#include "api_test_fixture.h"

namespace scale::api::testing {
namespace {

class LeaderHealthEndpoints : public ApiTest {
 protected:
  void SetUp() override { start(); }
};

TEST_F(LeaderHealthEndpoints, LeaderhealthFollowsTheView) {
  set_view(Role::Leader, "replica-a");
  auto response = get("/leaderhealth");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(same_json(response.body, R"({"leader": true})")) << response.body;
  set_view(Role::Follower, "replica-b");
  response = get("/leaderhealth");
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("\"detail\""), std::string::npos);
  set_view(Role::Unknown, std::nullopt);
  response = get("/leaderhealth");
  EXPECT_EQ(response.status, 502);
  EXPECT_NE(response.body.find("\"detail\""), std::string::npos);
}

TEST_F(LeaderHealthEndpoints, LeaderIs503WithoutALeader) {
  const auto response = get("/v6/leader/");
  EXPECT_EQ(response.status, 503);
  EXPECT_TRUE(same_json(response.body, R"({"detail": "no leader"})")) << response.body;
}

TEST_F(LeaderHealthEndpoints, LeaderIs503WhileZooKeeperLeaderHasNotPromoted) {
  promote("replica-old", 3);
  set_view(Role::Follower, "replica-b");
  ASSERT_TRUE(scale::test::wait_until(
      [&] { return get("/v6/leader/").body.find("election in progress") != std::string::npos; },
      3s));
  EXPECT_EQ(get("/v6/leader/").status, 503);
}

TEST_F(LeaderHealthEndpoints, LeaderNamesThePromotedReplica) {
  set_view(Role::Follower, "replica-b");
  promote("replica-b", 11);
  ASSERT_TRUE(wait_for_status("/v6/leader/", 200));
  const auto response = get("/v6/leader/");
  const auto stored = sql().exec(
      "SELECT to_char(elected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
      "FROM leadership WHERE id = 1");
  EXPECT_TRUE(same_json(response.body,
                        R"({"replica_id": "replica-b", "api_url": "http://127.0.0.1:1/replica-b",)"
                        R"( "epoch": 11, "since": ")" +
                            stored.text(0, 0) + "\"}"))
      << response.body;
  EXPECT_EQ(response.header("X-Scale-Leader"), "replica-b");
  // ZooKeeper no longer knows that leader (its session died): no longer advertised.
  set_view(Role::Unknown, std::nullopt);
  EXPECT_EQ(get("/v6/leader/").status, 503);
}

TEST_F(LeaderHealthEndpoints, PingVersionAndHealthz) {
  auto response = get("/ping");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(same_json(response.body, R"({"ok": true})"));
  response = get("/v6/version/");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(same_json(response.body, R"({"version": "9.8.7-test"})")) << response.body;
  response = get("/healthz");
  EXPECT_EQ(response.status, 200) << response.body;
}

}  // namespace
}  // namespace scale::api::testing
