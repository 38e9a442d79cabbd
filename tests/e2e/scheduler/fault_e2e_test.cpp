// Behaviour under faults (issue 5), with real processes: 3 replicas over a real ZooKeeper
// ensemble, PostgreSQL and mesos-sim. Each fault is injected for longer than the 2 s session
// timeout, then healed; nothing may be lost or launched twice and no replica may crash.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>

#include "db/connection.h"
#include "tests/e2e/scheduler/local_cluster.h"
#include "tests/e2e/scheduler/scheduling_checks.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;

LocalCluster::Options cluster_options(const std::string& task_ms) {
  LocalCluster::Options options;
  options.mesos = LocalCluster::MesosSim{};
  options.mesos->task_ms = task_ms;
  return options;
}

// A negative check needs a window: true when `cond` stayed false for the whole of it.
bool stays_false(const std::function<bool()>& cond, std::chrono::milliseconds window) {
  return !wait_until(cond, window);
}

void expect_all_running(LocalCluster& cluster) {
  for (int i = 0; i < cluster.size(); ++i)
    EXPECT_TRUE(cluster.process(i).running()) << cluster.replica_id(i) << " exited\n"
                                              << cluster.log(i);
}

bool has_warning(const LocalCluster& cluster, int replica, const std::string& name) {
  rapidjson::Document doc;
  doc.Parse(cluster.get(replica, "/v6/status/").body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("scheduler")) return false;
  for (const auto& warning : doc["scheduler"]["warnings"].GetArray()) {
    if (warning["name"].GetString() == name) return true;
  }
  return false;
}

TEST(FaultE2e, DatabaseOutageStopsLaunchesKeepsUpdatesUnacknowledgedAndResumes) {
  LocalCluster cluster(cluster_options("1000-2000"));
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  const int follower = (leader + 1) % cluster.size();
  db::Connection conn(cluster.conninfo());
  submit_jobs(cluster, 40);
  ASSERT_TRUE(wait_until([&] { return jobs_in(conn, "COMPLETED") >= 4; }, 60s))
      << cluster.log(leader);

  cluster.postgres().stop();
  // Once the leader has noticed, nothing launches: a launch needs a commit first.
  ASSERT_TRUE(wait_until([&] { return cluster.get(leader, "/healthz").status == 503; }, 5s));
  const size_t launched = journal(cluster).size();
  EXPECT_TRUE(stays_false([&] { return journal(cluster).size() > launched; }, 4000ms));
  // Followers say why they cannot answer; nobody crashes.
  const auto jobs = cluster.get(follower, "/v6/jobs/");
  EXPECT_EQ(jobs.status, 503) << jobs.body;
  EXPECT_NE(jobs.body.find("\"detail\""), std::string::npos) << jobs.body;
  const auto submit = cluster.call(follower, "POST", "/v6/jobs/",
                                   R"({"name":"x","command":"true","resources":{"cpus":1}})");
  EXPECT_EQ(submit.status, 503) << submit.body;
  EXPECT_EQ(cluster.get(follower, "/healthz").status, 503);
  expect_all_running(cluster);

  cluster.postgres().start();
  db::Connection back(cluster.conninfo());
  const std::string back_at = back.exec("SELECT now()::text").text(0, 0);
  ASSERT_TRUE(wait_completed(back, 40, 120s)) << jobs_in(conn, "COMPLETED") << " completed\n"
                                              << cluster.log(leader);
  // Tasks that finished during the outage were not acknowledged then: Mesos sent their updates
  // again, and they were stored once the database was back.
  EXPECT_GT(back.exec("SELECT count(*) FROM task_update WHERE state = 'TASK_FINISHED'"
                      " AND \"timestamp\" < $1::timestamptz AND received_at >= $1::timestamptz",
                      {back_at})
                .integer(0, 0),
            0);
  expect_exactly_once(cluster, back, 40, false);
  expect_all_running(cluster);
  EXPECT_EQ(cluster.sole_leader(), leader);  // the term survived the database outage
}

TEST(FaultE2e, ZooKeeperQuorumLossStopsTheLeaderAndNoNewTermStartsUntilItReturns) {
  LocalCluster cluster(cluster_options("200-400"));
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());
  submit_jobs(cluster, 10);
  ASSERT_TRUE(wait_completed(conn, 10, 60s));
  const long long terms = scalar(conn, "SELECT count(*) FROM leadership_term");

  auto& zk = cluster.zookeeper();
  zk.kill(0);
  zk.kill(1);
  // Until the last member notices it is alone it still serves, and a session that lost its
  // server may reconnect there and act for a moment: the quorum is lost only once it stops.
  ASSERT_TRUE(wait_until(
      [&] {
        return four_letter_word(zk.member_port(2), "srvr").find("not currently serving") !=
               std::string::npos;
      },
      10s));
  // Within the session timeout (2 s) the leader stops acting: it no longer claims leadership
  // and its status document stops advancing.
  ASSERT_TRUE(wait_until([&] { return cluster.get(leader, "/leaderhealth").status != 200; }, 3s))
      << cluster.log(leader);
  const auto status_written = [&] {
    return conn.exec("SELECT updated_at::text FROM scheduler_status").text(0, 0);
  };
  // One status write may have been in flight when the leader stopped; never a second.
  std::set<std::string> statuses{status_written()};
  submit_jobs(cluster, 10);  // intents are still taken: PostgreSQL is up
  const size_t launched = journal(cluster).size();
  size_t launched_now = launched;
  long long terms_now = terms;
  EXPECT_TRUE(stays_false(
      [&] {
        statuses.insert(status_written());
        launched_now = journal(cluster).size();
        terms_now = scalar(conn, "SELECT count(*) FROM leadership_term");
        return launched_now > launched || statuses.size() > 2 || terms_now != terms;
      },
      5000ms))
      << "during the quorum loss: launches " << launched << " -> " << launched_now
      << ", status writes seen " << statuses.size() << ", terms " << terms << " -> " << terms_now
      << "\n"
      << cluster.log(leader);
  expect_all_running(cluster);

  zk.start(0);
  zk.start(1);
  ASSERT_TRUE(zk.wait_quorum(60s));
  ASSERT_GE(cluster.wait_sole_leader(60s), 0);
  ASSERT_TRUE(wait_completed(conn, 20, 60s)) << jobs_in(conn, "COMPLETED") << " completed";
  EXPECT_GT(scalar(conn, "SELECT count(*) FROM leadership_term"), terms);
  expect_exactly_once(cluster, conn, 20, false);
  expect_all_running(cluster);
}

TEST(FaultE2e, MesosMasterCrashIsWarnedAboutAndWorkResumesWhenItIsBack) {
  auto options = cluster_options("1000-2000");
  // The restarted emulator has new agents: the old ones never come back, so their tasks stay
  // TASK_UNKNOWN until the leader gives them up (seconds here, ten minutes by default).
  options.replica_flags = {"--unknown_task_timeout_s=3"};
  LocalCluster cluster(options);
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());
  submit_jobs(cluster, 20);
  ASSERT_TRUE(wait_until([&] { return jobs_in(conn, "COMPLETED") >= 2; }, 60s));

  cluster.kill_mesos();
  ASSERT_TRUE(wait_until([&] { return has_warning(cluster, leader, "mesos_not_subscribed"); }, 10s))
      << cluster.get(leader, "/v6/status/").body;
  expect_all_running(cluster);

  // A master that lost its state: the leader resubscribes, reconciles (its running tasks are
  // unknown now, and given up as lost after the timeout) and runs every job to completion.
  cluster.start_mesos();
  ASSERT_TRUE(wait_completed(conn, 20, 120s)) << jobs_in(conn, "COMPLETED") << " completed\n"
                                              << cluster.log(leader);
  EXPECT_TRUE(
      wait_until([&] { return !has_warning(cluster, leader, "mesos_not_subscribed"); }, 10s));
  EXPECT_EQ(scalar(conn,
                   "SELECT count(*) FROM job_exe WHERE state NOT IN ('FINISHED', 'LOST',"
                   " 'GONE', 'UNKNOWN', 'DROPPED')"),
            0);
  expect_all_running(cluster);
}

}  // namespace
}  // namespace scale::test
