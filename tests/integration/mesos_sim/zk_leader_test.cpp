// Leader detection through a real ZooKeeper: json.info_ registration, 307 from a non-leader with
// a protocol-relative Location, 503 when no leader is known, and takeover when the leader exits.

#include <gtest/gtest.h>

#include "sim_fixture.h"

namespace mesos_sim::test {
namespace {

int subscribe_status(uint16_t port, Response* out = nullptr) {
  Connection c(port);
  c.send("POST", "/api/v1/scheduler", json_headers(), subscribe_call(std::nullopt));
  Response head = c.read_head(5s);
  if (out) *out = head;
  return head.status;
}

TEST(MesosSimZooKeeper, NonLeaderRedirectsAndLeaderTakesOver) {
  scale::test::ZooKeeperServer zk;
  std::string url = "--zk=zk://" + zk.connect_string() + "/mesos";
  Sim first({url, "--agents=1"});
  ASSERT_TRUE(scale::test::wait_until([&] { return subscribe_status(first.port()) == 200; }, 10s))
      << first.log();
  Sim second({url, "--agents=1"});
  Response redirect;
  ASSERT_TRUE(scale::test::wait_until(
      [&] { return subscribe_status(second.port(), &redirect) == 307; }, 10s))
      << second.log();
  EXPECT_EQ(redirect.header("location"),
            "//127.0.0.1:" + std::to_string(first.port()) + "/api/v1/scheduler");
  Connection c(second.port());
  Response base = c.call("GET", "/master/redirect", {}, "");
  EXPECT_EQ(base.status, 307);
  EXPECT_EQ(base.header("location"), "//127.0.0.1:" + std::to_string(first.port()));
  // The leader's ephemeral node goes with its session: the second instance leads.
  first.process().signal(SIGTERM);
  ASSERT_NE(first.process().wait(5s), -1);
  EXPECT_TRUE(scale::test::wait_until([&] { return subscribe_status(second.port()) == 200; }, 10s))
      << second.log();
}

TEST(MesosSimZooKeeper, NoKnownLeaderAnswers503) {
  uint16_t dead = scale::test::free_port();
  Sim orphan({"--zk=zk://127.0.0.1:" + std::to_string(dead) + "/mesos", "--agents=1"});
  Response head;
  EXPECT_EQ(subscribe_status(orphan.port(), &head), 503);
}

}  // namespace
}  // namespace mesos_sim::test
