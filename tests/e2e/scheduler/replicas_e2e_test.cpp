// Three real scale-scheduler processes over a real ZooKeeper ensemble and PostgreSQL.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <set>

#include "tests/e2e/scheduler/local_cluster.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  return doc;
}

// Epoch of the status document a replica serves, or -1.
long long served_epoch(const LocalCluster& cluster, int index) {
  auto answer = cluster.get(index, "/v6/status/");
  if (answer.status != 200) return -1;
  auto doc = parse(answer.body);
  if (doc.HasParseError() || !doc.HasMember("cluster")) return -1;
  return doc["cluster"]["epoch"].GetInt64();
}

std::string leader_named_by(const LocalCluster& cluster, int index) {
  auto answer = cluster.get(index, "/v6/leader/");
  if (answer.status != 200) return "";
  auto doc = parse(answer.body);
  return doc.HasParseError() ? "" : doc["replica_id"].GetString();
}

// Waits until another replica than `old_leader` leads and serves status with a newer epoch.
int wait_new_leader_writing(const LocalCluster& cluster, int old_leader, long long old_epoch,
                            std::chrono::milliseconds timeout) {
  int leader = -1;
  wait_until(
      [&] {
        for (int i = 0; i < cluster.size(); ++i) {
          if (i == old_leader) continue;
          if (cluster.get(i, "/leaderhealth").status == 200 &&
              served_epoch(cluster, i) > old_epoch) {
            leader = i;
            return true;
          }
        }
        return false;
      },
      timeout);
  return leader;
}

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override { cluster_ = std::make_unique<LocalCluster>(LocalCluster::Options{}); }
  void TearDown() override {
    if (HasFailure()) {
      for (int i = 0; i < cluster_->size(); ++i) {
        std::cerr << "==== " << cluster_->replica_id(i) << " ====\n" << cluster_->log(i);
      }
    }
  }
  std::unique_ptr<LocalCluster> cluster_;
};

TEST_F(ReplicasTest, ExactlyOneLeaderAndEveryReplicaServesItsStatus) {
  const int leader = cluster_->wait_sole_leader(20s);
  ASSERT_GE(leader, 0);
  ASSERT_TRUE(wait_until([&] { return served_epoch(*cluster_, leader) > 0; }, 10s));
  for (int i = 0; i < cluster_->size(); ++i) {
    // Each replica learns the leader from its own ZooKeeper view, polled every 200 ms.
    ASSERT_TRUE(wait_until(
        [&] { return cluster_->get(i, "/ping").header("X-Scale-Leader") != "none"; }, 10s));
    auto answer = cluster_->get(i, "/v6/status/");
    ASSERT_EQ(answer.status, 200) << answer.body;
    auto doc = parse(answer.body);
    EXPECT_EQ(std::string(doc["cluster"]["leader"]["replica_id"].GetString()),
              cluster_->replica_id(leader));
    EXPECT_EQ(answer.header("X-Scale-Replica"), cluster_->replica_id(i));
    EXPECT_EQ(answer.header("X-Scale-Leader"), cluster_->replica_id(leader));
    EXPECT_EQ(cluster_->get(i, "/leaderhealth").status, i == leader ? 200 : 503);
  }
  EXPECT_EQ(cluster_->sole_leader(), leader);
}

TEST_F(ReplicasTest, SigtermHandsOverWithinOneSecond) {
  const int leader = cluster_->wait_sole_leader(20s);
  ASSERT_GE(leader, 0);
  const auto start = Clock::now();
  cluster_->process(leader).signal(SIGTERM);
  int next = -1;
  ASSERT_TRUE(wait_until(
      [&] {
        for (int i = 0; i < cluster_->size(); ++i) {
          if (i != leader && cluster_->get(i, "/leaderhealth").status == 200) {
            next = i;
            return true;
          }
        }
        return false;
      },
      5s));
  const auto handover = Clock::now() - start;
  EXPECT_LT(handover, 1s) << "handover took "
                          << std::chrono::duration_cast<std::chrono::milliseconds>(handover).count()
                          << " ms";
  EXPECT_EQ(cluster_->process(leader).wait(2s), 0) << "SIGTERM must exit 0 promptly";
}

TEST_F(ReplicasTest, SigkilledLeaderIsReplacedWithinSessionTimeout) {
  const int leader = cluster_->wait_sole_leader(20s);
  ASSERT_GE(leader, 0);
  long long epoch = -1;
  ASSERT_TRUE(wait_until([&] { return (epoch = served_epoch(*cluster_, leader)) > 0; }, 10s));
  const auto start = Clock::now();
  cluster_->process(leader).kill_and_wait();
  const int next =
      wait_new_leader_writing(*cluster_, leader, epoch, cluster_->options().session_timeout + 1s);
  ASSERT_GE(next, 0) << "no new leader writing status within session timeout + 1 s";
  EXPECT_NE(next, leader);
  std::cerr << "SIGKILL failover: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()
            << " ms\n";
}

TEST_F(ReplicasTest, ZombieLeaderIsFencedAndRejoinsAsFollower) {
  const int zombie = cluster_->wait_sole_leader(20s);
  ASSERT_GE(zombie, 0);
  long long epoch = -1;
  ASSERT_TRUE(wait_until([&] { return (epoch = served_epoch(*cluster_, zombie)) > 0; }, 10s));
  cluster_->process(zombie).signal(SIGSTOP);
  const int next = wait_new_leader_writing(*cluster_, zombie, epoch,
                                           cluster_->options().session_timeout * 3 + 2s);
  ASSERT_GE(next, 0);
  cluster_->process(zombie).signal(SIGCONT);
  // Its next write is refused by the epoch fence (or its expired session ends the term first).
  ASSERT_TRUE(wait_until(
      [&] {
        const auto log = cluster_->log(zombie);
        return log.find("fenced out") != std::string::npos ||
               log.find("rejoining as follower") != std::string::npos;
      },
      10s));
  ASSERT_TRUE(
      wait_until([&] { return cluster_->get(zombie, "/leaderhealth").status == 503; }, 10s));
  ASSERT_TRUE(wait_until(
      [&] {
        std::set<std::string> named;
        for (int i = 0; i < cluster_->size(); ++i) named.insert(leader_named_by(*cluster_, i));
        return named == std::set<std::string>{cluster_->replica_id(next)};
      },
      10s));
  EXPECT_GT(served_epoch(*cluster_, zombie), epoch);
}

TEST_F(ReplicasTest, PauseOnAFollowerShowsInStatusWithinTwoIntervals) {
  const int leader = cluster_->wait_sole_leader(20s);
  ASSERT_GE(leader, 0);
  const int follower = (leader + 1) % cluster_->size();
  ASSERT_TRUE(wait_until([&] { return served_epoch(*cluster_, follower) > 0; }, 10s));
  auto patched = cluster_->call(follower, "PATCH", "/v6/scheduler/", R"({"is_paused": true})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  const auto start = Clock::now();
  ASSERT_TRUE(wait_until(
      [&] {
        auto doc = parse(cluster_->get(follower, "/v6/status/").body);
        return !doc.HasParseError() && doc.HasMember("scheduler") &&
               std::string(doc["scheduler"]["state"]["name"].GetString()) == "PAUSED";
      },
      10s));
  EXPECT_LE(Clock::now() - start, cluster_->options().status_interval * 2 + 500ms);
}

}  // namespace
}  // namespace scale::test
