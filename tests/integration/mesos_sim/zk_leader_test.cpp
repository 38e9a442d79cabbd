// Leader detection through a real ZooKeeper, against emulators and (the *_real_test binary) real
// masters: a standby answers 307 with a protocol-relative Location, after authentication; 503
// when no leader is known; the standby takes over when the leader dies.

#include <gtest/gtest.h>

#include "master_under_test.h"

namespace mesos_sim::test {
namespace {

using LeaderDetection = MasterTest;
MESOS_SIM_INSTANTIATE(LeaderDetection);

const Headers kAuth{{"Authorization", basic_authorization("sched", "pw")}};

// Status 0 while nothing listens (a standby still starting, a master just killed).
Response subscribe_head(uint16_t port, const Headers& extra,
                        const std::string& path = "/api/v1/scheduler") {
  try {
    Connection c(port);
    Headers headers = json_headers();
    headers.insert(headers.end(), extra.begin(), extra.end());
    c.send("POST", path, headers, subscribe_call(std::nullopt));
    return c.read_head(5s);
  } catch (const std::exception&) {
    return {};
  }
}

TEST_P(LeaderDetection, StandbyRedirectsAfterAuthenticationAndTakesOver) {
  auto masters = start_electing_masters(GetParam(), 2, {{"sched", "pw"}});
  int leader = masters->leader(30s);
  ASSERT_GE(leader, 0) << masters->log(0);
  int standby = 1 - leader;
  uint16_t port = masters->port(standby);
  const std::string at = "//127.0.0.1:" + std::to_string(masters->port(leader));
  // 503 until the standby has read who leads.
  ASSERT_TRUE(
      scale::test::wait_until([&] { return subscribe_head(port, kAuth).status == 307; }, 30s))
      << masters->log(standby);
  // Authentication first, as on the leader.
  EXPECT_EQ(subscribe_head(port, {}).status, 401);
  // Every call, whatever the path, method or body: the master's own path in the Location.
  for (const std::string path : {"/api/v1/scheduler", "/master/api/v1/scheduler"}) {
    Response redirect = subscribe_head(port, kAuth, path);
    EXPECT_EQ(redirect.status, 307) << path;
    EXPECT_EQ(redirect.header("location"), at + "/master/api/v1/scheduler") << path;
  }
  Connection get(port);
  EXPECT_EQ(get.call("GET", "/api/v1/scheduler", kAuth, "").status, 307);
  Headers with_auth = json_headers("s");
  with_auth.insert(with_auth.end(), kAuth.begin(), kAuth.end());
  EXPECT_EQ(post(port, R"({"type":"REVIVE","framework_id":{"value":"f"}})", with_auth).status, 307);
  Connection c(port);
  Response base = c.call("GET", "/master/redirect", {}, "");
  EXPECT_EQ(base.status, 307);
  EXPECT_EQ(base.header("location"), at);
  // The leader's ephemeral node goes with its session: the standby leads.
  masters->kill(leader);
  EXPECT_TRUE(scale::test::wait_until([&] { return subscribe_head(port, kAuth).status == 200; },
                                      real() ? 60s : 10s))
      << masters->log(standby);
}

TEST_P(LeaderDetection, NoKnownLeaderAnswers503) {
  auto orphan = start_leaderless_master(GetParam());
  Response head = subscribe_head(orphan->port(0), {});
  EXPECT_EQ(head.status, 503) << orphan->log(0);
  Connection c(orphan->port(0));
  Response body = c.call("POST", "/api/v1/scheduler", json_headers(), subscribe_call(std::nullopt));
  EXPECT_EQ(body.body, "No leader elected");
  Connection redirect(orphan->port(0));
  EXPECT_EQ(redirect.call("GET", "/master/redirect", {}, "").status, 503);
}

}  // namespace
}  // namespace mesos_sim::test
