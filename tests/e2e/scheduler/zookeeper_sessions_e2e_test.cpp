// A replica talks to its ZooKeeper ensemble over one session, whatever it watches there: the
// election, the REST API's leader view and a zk:// Mesos master detection all share it. Counted
// the way an operator would, with the server's `cons` four-letter word.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "tests/support/built_binary.h"
#include "tests/support/http_test_client.h"
#include "tests/support/servers.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Connections with an established session (the `cons` request's own connection has none).
int sessions(const ZooKeeperServer& zk) {
  const std::string cons = four_letter_word(zk.port(), "cons");
  int count = 0;
  for (size_t at = cons.find("sid=0x"); at != std::string::npos; at = cons.find("sid=0x", at + 1)) {
    ++count;
  }
  return count;
}

// The most sessions seen over `span`, sampled every 50 ms.
int most_sessions(const ZooKeeperServer& zk, std::chrono::milliseconds span) {
  int most = 0;
  const auto end = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < end) {
    most = std::max(most, sessions(zk));
    std::this_thread::sleep_for(50ms);
  }
  return most;
}

class ZooKeeperSessions : public ::testing::Test {
 protected:
  ZooKeeperSessions() : dir_("scale-sessions"), conninfo_(pg_.create_database("scale")) {}

  std::string mesos_url() const { return "zk://" + zk_.connect_string() + "/mesos"; }

  void start_sim() {
    sim_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{built_binary("tools/mesos-sim/mesos-sim"),
                                 "--listen=127.0.0.1:" + std::to_string(free_port()),
                                 "--zk=" + mesos_url(), "--agents=1"},
        dir_.path() / "mesos-sim.log");
  }

  // Replica `n` (1-based); returns once its REST API answers.
  void start_replica(int n) {
    const uint16_t port = free_port();
    const auto log = dir_.path() / ("replica-" + std::to_string(n) + ".log");
    logs_.push_back(log);
    replicas_.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{
            built_binary("scheduler/scale-scheduler"), "--zk=" + zk_.connect_string(),
            "--listen=127.0.0.1:" + std::to_string(port),
            "--replica_id=replica-" + std::to_string(n), "--mesos_master=" + mesos_url(),
            "--zk_session_timeout_ms=2000", "--status_interval_ms=500", "--logtostderr"},
        log, std::map<std::string, std::string>{{"FLAGS_db", conninfo_}}));
    ASSERT_TRUE(wait_until(
        [&] {
          try {
            return HttpTestClient(port, 2s).call("GET", "/ping", std::nullopt).status == 200;
          } catch (const std::exception&) {
            return false;
          }
        },
        30s))
        << read_file(log);
  }

  std::string log(int n) const { return read_file(logs_.at(static_cast<size_t>(n - 1))); }

  TempDir dir_;
  ZooKeeperServer zk_;
  PostgresServer pg_;
  std::string conninfo_;
  std::unique_ptr<ChildProcess> sim_;
  std::vector<std::filesystem::path> logs_;
  std::vector<std::unique_ptr<ChildProcess>> replicas_;
};

TEST_F(ZooKeeperSessions, OnePerReplicaLeaderAndFollower) {
  start_sim();
  ASSERT_TRUE(wait_until([&] { return sessions(zk_) == 1; }, 20s)) << "the emulator's own";
  const int before = sessions(zk_);

  // The leader: it stands in the election, serves the leader view and has detected and
  // subscribed to the master through zk:// by the time it logs the subscription.
  start_replica(1);
  ASSERT_TRUE(
      wait_until([&] { return log(1).find("promotion: subscribed") != std::string::npos; }, 30s))
      << log(1);
  const int with_leader = most_sessions(zk_, 1500ms);
  EXPECT_EQ(with_leader, before + 1) << four_letter_word(zk_.port(), "cons");

  // A follower adds its one session, no more.
  start_replica(2);
  ASSERT_TRUE(wait_until([&] { return sessions(zk_) == before + 2; }, 10s))
      << four_letter_word(zk_.port(), "cons");
  const int with_follower = most_sessions(zk_, 1500ms);
  EXPECT_EQ(with_follower, before + 2) << four_letter_word(zk_.port(), "cons");
  std::cout << "ZooKeeper sessions: the emulator alone " << before << ", with the leader "
            << with_leader << ", with the follower too " << with_follower << std::endl;
}

}  // namespace
}  // namespace scale::test
