#include "api/response_headers.h"

#include <gtest/gtest.h>

namespace scale::api {
namespace {

TEST(ResponseHeaders, LeaderNamesItself) {
  const LocalView view{Role::Leader, std::string("r1")};
  EXPECT_EQ(leader_header_value(view, "r1"), "r1");
  // Even while the viewer's ZooKeeper poll has not caught up with the new term yet.
  EXPECT_EQ(leader_header_value(LocalView{Role::Leader, std::nullopt}, "r1"), "r1");
}

TEST(ResponseHeaders, FollowerNamesZooKeeperLeader) {
  EXPECT_EQ(leader_header_value(LocalView{Role::Follower, std::string("r2")}, "r1"), "r2");
  EXPECT_EQ(leader_header_value(LocalView{Role::Unknown, std::string("r3")}, "r1"), "r3");
}

TEST(ResponseHeaders, UnknownLeaderIsNone) {
  EXPECT_EQ(leader_header_value(LocalView{}, "r1"), "none");
  EXPECT_EQ(leader_header_value(LocalView{Role::Follower, std::string("")}, "r1"), "none");
}

TEST(ResponseHeaders, AddsBothHeaders) {
  Response response;
  add_replica_headers(response, LocalView{Role::Follower, std::string("r2")}, "r1");
  EXPECT_EQ(response.header("X-Scale-Replica"), "r1");
  EXPECT_EQ(response.header("X-Scale-Leader"), "r2");
}

}  // namespace
}  // namespace scale::api
