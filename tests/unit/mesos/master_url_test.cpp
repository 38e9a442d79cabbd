#include "scheduler/mesos/master_url.h"

#include <gtest/gtest.h>

#include "scheduler/mesos/backoff.h"

namespace scale::mesos {
namespace {

TEST(MasterUrl, ProtocolRelativeLocationTakesTheCurrentScheme) {
  EXPECT_EQ(resolve_location("http://m1:5050/api/v1/scheduler", "//m2:5051/api/v1/scheduler"),
            "http://m2:5051/api/v1/scheduler");
  EXPECT_EQ(
      resolve_location("https://m1:5050/api/v1/scheduler", "//m2:5051/master/api/v1/scheduler"),
      "https://m2:5051/master/api/v1/scheduler");
}

TEST(MasterUrl, AbsoluteAndPathLocations) {
  EXPECT_EQ(resolve_location("http://m1:5050/api/v1/scheduler", "http://m3:9/api/v1/scheduler"),
            "http://m3:9/api/v1/scheduler");
  EXPECT_EQ(resolve_location("http://m1:5050/api/v1/scheduler", "/master/api/v1/scheduler"),
            "http://m1:5050/master/api/v1/scheduler");
}

TEST(MasterUrl, UnusableLocations) {
  EXPECT_EQ(resolve_location("http://m1:5050/x", ""), std::nullopt);
  EXPECT_EQ(resolve_location("http://m1:5050/x", "//"), std::nullopt);
  EXPECT_EQ(resolve_location("http://m1:5050/x", "relative/path"), std::nullopt);
  EXPECT_EQ(resolve_location("not a url", "//m2:1/x"), std::nullopt);
}

TEST(MasterUrl, ParsesHttpMasters) {
  std::string error;
  auto spec = parse_master_spec("http://10.0.0.1:5050", &error);
  ASSERT_TRUE(spec) << error;
  EXPECT_EQ(spec->kind, MasterSpec::Kind::Http);
  EXPECT_EQ(spec->base_url, "http://10.0.0.1:5050");
  EXPECT_EQ(parse_master_spec("m1:5050", &error)->base_url, "http://m1:5050");
  EXPECT_EQ(parse_master_spec("http://m1:5050/", &error)->base_url, "http://m1:5050");
  EXPECT_EQ(scheduler_endpoint("http://m1:5050"), "http://m1:5050/api/v1/scheduler");
}

TEST(MasterUrl, ParsesZooKeeperMasters) {
  std::string error;
  auto spec = parse_master_spec("zk://h1:2181,h2:2181/mesos", &error);
  ASSERT_TRUE(spec) << error;
  EXPECT_EQ(spec->kind, MasterSpec::Kind::ZooKeeper);
  EXPECT_EQ(spec->zk_hosts, "h1:2181,h2:2181");
  EXPECT_EQ(spec->zk_path, "/mesos");
  auto with_auth = parse_master_spec("zk://u:p@h1:2181/a/b/", &error);
  ASSERT_TRUE(with_auth);
  EXPECT_EQ(with_auth->zk_credentials, "u:p");
  EXPECT_EQ(with_auth->zk_hosts, "h1:2181");
  EXPECT_EQ(with_auth->zk_path, "/a/b");
}

TEST(MasterUrl, RejectsGarbage) {
  std::string error;
  for (const char* bad : {"", "zk://", "zk://h1:2181", "zk://h1:2181/", "http://", "http://m1",
                          "http://m1:", "http://m1:50x0"}) {
    EXPECT_FALSE(parse_master_spec(bad, &error)) << bad;
  }
}

// The client speaks plain HTTP only: an https:// master is refused at start-up with a reason,
// rather than retried forever.
TEST(MasterUrl, RefusesHttpsMastersWithAReason) {
  std::string error;
  EXPECT_FALSE(parse_master_spec("https://m1:5050", &error));
  EXPECT_NE(error.find("https://"), std::string::npos) << error;
  EXPECT_NE(error.find("proxy"), std::string::npos) << error;
}

TEST(Backoff, DoublesUpToTheCapAndResets) {
  Backoff backoff(std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
  EXPECT_EQ(backoff.next().count(), 100);
  EXPECT_EQ(backoff.next().count(), 200);
  EXPECT_EQ(backoff.next().count(), 400);
  EXPECT_EQ(backoff.next().count(), 800);
  EXPECT_EQ(backoff.next().count(), 1000);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(backoff.next().count(), 1000);
  backoff.reset();
  EXPECT_EQ(backoff.next().count(), 100);
}

TEST(HeartbeatWatchdog, ExpiresAfterFiveIntervalsOfSilence) {
  HeartbeatWatchdog watchdog;
  Clock::time_point t0{};
  EXPECT_FALSE(watchdog.expired(t0 + std::chrono::hours(1)));  // not armed
  watchdog.arm(std::chrono::duration<double>(1.0), t0);
  EXPECT_FALSE(watchdog.expired(t0 + std::chrono::milliseconds(4999)));
  watchdog.on_event(t0 + std::chrono::seconds(4));
  EXPECT_FALSE(watchdog.expired(t0 + std::chrono::milliseconds(8999)));
  EXPECT_TRUE(watchdog.expired(t0 + std::chrono::seconds(9)));
  watchdog.disarm();
  EXPECT_FALSE(watchdog.expired(t0 + std::chrono::hours(1)));
}

}  // namespace
}  // namespace scale::mesos
