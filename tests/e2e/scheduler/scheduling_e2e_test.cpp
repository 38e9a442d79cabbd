// The leader as a real scheduler: 3 replicas over a real ensemble, PostgreSQL and mesos-sim.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <iostream>
#include <map>
#include <set>

#include "db/connection.h"
#include "tests/e2e/scheduler/local_cluster.h"
#include "tests/e2e/scheduler/scheduling_checks.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

LocalCluster::Options cluster_options() {
  LocalCluster::Options options;
  options.mesos = LocalCluster::MesosSim{};
  return options;
}

constexpr long long kThousand = 1000;

TEST(SchedulingE2e, AThousandJobsThroughDifferentReplicasCompleteExactlyOnce) {
  LocalCluster cluster(cluster_options());
  ASSERT_GE(cluster.wait_sole_leader(30s), 0);
  db::Connection conn(cluster.conninfo());
  const auto start = Clock::now();
  submit_jobs(cluster, kThousand);
  // The status document's rates move while the jobs run.
  double max_launch_rate = 0;
  const bool done = wait_until(
      [&] {
        const int at = cluster.sole_leader().value_or(0);
        rapidjson::Document status;
        status.Parse(cluster.get(at, "/v6/status/").body.c_str());
        if (!status.HasParseError() && status.IsObject() && status.HasMember("scheduler")) {
          max_launch_rate =
              std::max(max_launch_rate,
                       status["scheduler"]["metrics"]["tasks_launched_per_sec"].GetDouble());
        }
        return jobs_in(conn, "COMPLETED") == kThousand;
      },
      180s);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const int leader = cluster.wait_sole_leader(5s);
  ASSERT_TRUE(done) << jobs_in(conn, "COMPLETED") << " completed\n"
                    << (leader >= 0 ? cluster.log(leader) : "");
  std::cout << "[ metric ] " << kThousand << " jobs submitted and completed in " << seconds
            << " s (" << kThousand / seconds << " jobs/s)" << std::endl;
  expect_exactly_once(cluster, conn, kThousand, true);
  EXPECT_GT(max_launch_rate, 0);
}

// The status document's term history after a SIGKILL failover: the new term first, with every
// promotion step in order, the killed one closed as superseded (it could not say why). A new
// leader that found every job launched already has no first launch to record.
void expect_failover_history(const LocalCluster& cluster, int leader, bool launched) {
  const size_t steps = launched ? 6 : 5;
  rapidjson::Document status;
  ASSERT_TRUE(wait_until(
      [&] {
        status.Parse(cluster.get(leader, "/v6/status/").body.c_str());
        if (status.HasParseError() || !status.IsObject() || !status.HasMember("cluster")) {
          return false;
        }
        const auto& terms = status["cluster"]["terms"];
        return terms.Size() >= 2 && terms[0]["steps"].Size() == steps;
      },
      30s))
      << cluster.get(leader, "/v6/status/").body;
  const auto& terms = status["cluster"]["terms"];
  EXPECT_EQ(terms[0]["replica_id"].GetString(), cluster.replica_id(leader));
  EXPECT_TRUE(terms[0]["ended"].IsNull());
  const char* names[] = {"elected",    "fenced",     "state_loaded",
                         "subscribed", "reconciled", "first_launch"};
  long long previous = -1;
  for (size_t i = 0; i < steps; ++i) {
    EXPECT_STREQ(terms[0]["steps"][i]["name"].GetString(), names[i]);
    EXPECT_GE(terms[0]["steps"][i]["ms"].GetInt64(), previous);
    previous = terms[0]["steps"][i]["ms"].GetInt64();
  }
  EXPECT_STREQ(terms[1]["end_reason"].GetString(), "superseded");
  EXPECT_GT(terms[0]["epoch"].GetInt64(), terms[1]["epoch"].GetInt64());
}

TEST(SchedulingE2e, LeaderKilledMidRunEveryJobStillCompletesExactlyOnce) {
  LocalCluster cluster(cluster_options());
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());
  submit_jobs(cluster, 200);
  ASSERT_TRUE(wait_until([&] { return jobs_in(conn, "COMPLETED") >= 40; }, 60s))
      << cluster.log(leader);
  const std::string framework_id = conn.exec("SELECT framework_id FROM framework").text(0, 0);
  const size_t launches_before = journal(cluster).size();
  const auto killed_at = Clock::now();
  cluster.process(leader).kill_and_wait();

  // Failover to first launch: the first journal entry written by the new subscription.
  std::optional<double> first_launch_s;
  wait_until(
      [&] {
        if (journal(cluster).size() > launches_before) {
          first_launch_s = std::chrono::duration<double>(Clock::now() - killed_at).count();
          return true;
        }
        return jobs_in(conn, "COMPLETED") == 200;
      },
      60s);
  const int next = cluster.wait_sole_leader(30s);
  ASSERT_GE(next, 0);
  ASSERT_NE(next, leader);
  ASSERT_TRUE(wait_completed(conn, 200, 90s)) << jobs_in(conn, "COMPLETED") << " completed\n"
                                              << cluster.log(next);
  if (first_launch_s)
    std::cout << "[ metric ] SIGKILL to first launch by the new leader: " << *first_launch_s << " s"
              << std::endl;
  EXPECT_EQ(conn.exec("SELECT framework_id FROM framework").text(0, 0), framework_id);
  const auto state = cluster.sim_call("GET", "/sim/state");
  rapidjson::Document doc;
  doc.Parse(state.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_EQ(doc["frameworks"].GetArray().Size(), 1u);  // resubscribed, not a new framework
  EXPECT_EQ(std::string(doc["frameworks"][0]["id"].GetString()), framework_id);
  expect_exactly_once(cluster, conn, 200, false);
  expect_failover_history(cluster, next, first_launch_s.has_value());
}

TEST(SchedulingE2e, FailedTasksAreRetriedUpToMaxTriesThenTheJobFails) {
  auto options = cluster_options();
  options.mesos->fail_ratio = 1;
  LocalCluster cluster(options);
  ASSERT_GE(cluster.wait_sole_leader(30s), 0);
  db::Connection conn(cluster.conninfo());
  submit_jobs(cluster, 20, 2);
  ASSERT_TRUE(wait_until([&] { return jobs_in(conn, "FAILED") == 20; }, 60s))
      << jobs_in(conn, "FAILED") << " failed";
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM job WHERE num_exes <> 2"), 0);
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM job WHERE error IS NULL OR error = ''"), 0);
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM job_exe WHERE state <> 'FAILED'"), 0);
}

TEST(SchedulingE2e, PauseHoldsNewLaunchesAndCancelKillsARunningJob) {
  auto options = cluster_options();
  options.mesos->task_ms = "8000";
  LocalCluster cluster(options);
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());

  // Cancel: a running job's task is killed and the job ends CANCELED long before it would finish.
  const long long running = submit_one(cluster, 1, "to-cancel");
  ASSERT_GT(running, 0);
  ASSERT_TRUE(wait_until(
      [&] { return scalar(conn, "SELECT count(*) FROM job_exe WHERE state = 'RUNNING'") == 1; },
      30s))
      << cluster.log(leader);
  const auto cancel_at = Clock::now();
  const auto canceled =
      cluster.call(2, "POST", "/v6/jobs/" + std::to_string(running) + "/cancel/", "{}");
  ASSERT_LT(canceled.status, 300) << canceled.body;
  ASSERT_TRUE(wait_until([&] { return job_status(conn, running) == "CANCELED"; }, 5s))
      << job_status(conn, running) << "\n"
      << cluster.log(leader);
  EXPECT_LT(Clock::now() - cancel_at, 5s);
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM job_exe WHERE state = 'KILLED'"), 1);

  // Pause: once the leader reports PAUSED, nothing new launches; resume lets the queue run.
  ASSERT_EQ(cluster.call(0, "PATCH", "/v6/scheduler/", R"({"is_paused":true})").status, 200);
  ASSERT_TRUE(wait_until(
      [&] {
        const auto status = cluster.get(leader, "/v6/status/");
        return status.body.find("\"PAUSED\"") != std::string::npos;
      },
      5s));
  const size_t launches_before = journal(cluster).size();
  for (int i = 0; i < 5; ++i) ASSERT_GT(submit_one(cluster, i % 3, "paused"), 0);
  // A negative check needs a window: no launch within 3 s of submitting while paused.
  EXPECT_FALSE(wait_until([&] { return journal(cluster).size() > launches_before; }, 3s));
  EXPECT_EQ(jobs_in(conn, "QUEUED"), 5);
  ASSERT_EQ(cluster.call(1, "PATCH", "/v6/scheduler/", R"({"is_paused":false})").status, 200);
  ASSERT_TRUE(wait_until([&] { return journal(cluster).size() == launches_before + 5; }, 10s))
      << cluster.log(leader);
}

TEST(SchedulingE2e, PausedNodesGetNoNewWork) {
  LocalCluster cluster(cluster_options());
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());
  ASSERT_TRUE(wait_until([&] { return scalar(conn, "SELECT count(*) FROM node") == 4; }, 30s));
  const auto nodes = conn.exec("SELECT id, agent_id FROM node ORDER BY id");
  for (int i = 1; i < nodes.rows(); ++i) {
    const auto answer =
        cluster.call(i % cluster.size(), "PATCH", "/v6/nodes/" + nodes.text(i, 0) + "/",
                     R"({"is_paused":true,"pause_reason":"e2e"})");
    ASSERT_EQ(answer.status, 200) << answer.body;
  }
  // The leader hears node pauses by NOTIFY; give it the status interval to show them.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto status = cluster.get(leader, "/v6/status/");
        size_t paused = 0;
        for (size_t at = 0; (at = status.body.find("\"is_paused\":true", at)) != std::string::npos;
             ++at)
          ++paused;
        return paused == 3;
      },
      10s));
  submit_jobs(cluster, 20);
  ASSERT_TRUE(wait_completed(conn, 20, 60s)) << cluster.log(leader);
  EXPECT_EQ(scalar(conn, "SELECT count(DISTINCT agent_id) FROM job_exe"), 1);
  EXPECT_EQ(conn.exec("SELECT DISTINCT agent_id FROM job_exe").text(0, 0), nodes.text(0, 1));
}

TEST(SchedulingE2e, RemovedAgentLeavesTheClusterAndItsJobRunsElsewhere) {
  auto options = cluster_options();
  options.mesos->task_ms = "3000";
  LocalCluster cluster(options);
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());
  ASSERT_TRUE(wait_until([&] { return scalar(conn, "SELECT count(*) FROM node") == 4; }, 30s));
  const auto total_cpus = [&] {
    return std::stod(conn.exec("SELECT cpus FROM cluster_resources").text(0, 0));
  };
  ASSERT_TRUE(wait_until([&] { return total_cpus() > 0; }, 10s));
  const double cpus_before = total_cpus();

  const long long job = submit_one(cluster, 1, "on-a-doomed-agent");
  ASSERT_GT(job, 0);
  ASSERT_TRUE(wait_until(
      [&] { return scalar(conn, "SELECT count(*) FROM job_exe WHERE state = 'RUNNING'") == 1; },
      30s));
  const std::string agent = conn.exec("SELECT agent_id FROM job_exe").text(0, 0);
  const double agent_cpus =
      std::stod(conn.exec("SELECT cpus FROM node WHERE agent_id = $1", {agent}).text(0, 0));
  ASSERT_EQ(
      cluster.sim_call("POST", "/sim/remove_agent", R"({"agent_id":")" + agent + R"("})").status,
      200);

  // The node is inactive, the totals shrink, and the job is retried on another agent.
  ASSERT_TRUE(wait_until(
      [&] {
        return !conn.exec("SELECT is_active FROM node WHERE agent_id = $1", {agent}).boolean(0, 0);
      },
      10s))
      << cluster.log(leader);
  ASSERT_TRUE(wait_until([&] { return total_cpus() == cpus_before - agent_cpus; }, 10s))
      << total_cpus() << " vs " << cpus_before << " - " << agent_cpus;
  ASSERT_TRUE(wait_until([&] { return job_status(conn, job) == "COMPLETED"; }, 30s))
      << job_status(conn, job) << "\n"
      << cluster.log(leader);
  const auto exes = conn.exec("SELECT agent_id, state FROM job_exe ORDER BY exe_num");
  ASSERT_EQ(exes.rows(), 2);
  // A removed (unregistered) agent's tasks are TASK_LOST, even for a partition-aware framework:
  // what a real master sends, and the emulator now follows it.
  EXPECT_EQ(exes.text(0, 1), "LOST");
  EXPECT_NE(exes.text(1, 0), agent);

  // The status document shows the node inactive and counts the executions per node.
  ASSERT_TRUE(wait_until(
      [&] {
        rapidjson::Document doc;
        doc.Parse(cluster.get(leader, "/v6/status/").body.c_str());
        if (doc.HasParseError() || !doc.HasMember("nodes")) return false;
        long long completed = 0, failed = 0;
        bool removed_inactive = false;
        for (const auto& node : doc["nodes"].GetArray()) {
          completed += node["job_executions"]["completed"]["total"].GetInt64();
          failed += node["job_executions"]["failed"]["total"].GetInt64();
          if (node["agent_id"].GetString() == agent)
            removed_inactive = std::string(node["state"]["name"].GetString()) == "INACTIVE";
        }
        return completed == 1 && failed == 1 && removed_inactive;
      },
      10s))
      << cluster.get(leader, "/v6/status/").body;

  // /metrics on every replica: only the leader counts the term and its two launches.
  const auto metrics = cluster.get(leader, "/metrics").body;
  EXPECT_NE(metrics.find("\nscale_leader 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nscale_launches_total 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nscale_terms_started_total 1\n"), std::string::npos) << metrics;
  // The leader's latencies: both launches measured from their queued time; commits, updates.
  EXPECT_NE(metrics.find("\nscale_queue_to_launch_seconds_count 2\n"), std::string::npos)
      << metrics;
  for (const char* family :
       {"scale_commit_duration_seconds_count ", "scale_update_to_ack_seconds_count ",
        "scale_unacknowledged_updates ", "scale_leader_queued_jobs "})
    EXPECT_NE(metrics.find(std::string("\n") + family), std::string::npos) << family << metrics;
  const auto follower = cluster.get((leader + 1) % cluster.size(), "/metrics").body;
  EXPECT_NE(follower.find("\nscale_leader 0\n"), std::string::npos) << follower;
}

TEST(SchedulingE2e, MasterFailoverAndHeartbeatLossLoseAndDuplicateNothing) {
  LocalCluster cluster(cluster_options());
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());
  submit_jobs(cluster, 200);
  ASSERT_TRUE(wait_until([&] { return jobs_in(conn, "COMPLETED") >= 40; }, 60s));
  ASSERT_EQ(cluster.sim_call("POST", "/sim/failover", R"({"window_ms":2000})").status, 200);
  ASSERT_TRUE(wait_until([&] { return jobs_in(conn, "COMPLETED") >= 120; }, 60s))
      << cluster.log(leader);
  // Heartbeats stop without the stream closing: the client's watchdog must notice and resubscribe.
  ASSERT_EQ(cluster.sim_call("POST", "/sim/heartbeats", R"({"enabled":false})").status, 200);
  const auto subscriptions = [&] {
    const auto state = cluster.sim_call("GET", "/sim/state");
    rapidjson::Document doc;
    doc.Parse(state.body.c_str());
    return doc.HasParseError() ? 0 : doc["subscriptions_total"].GetInt64();
  };
  const long long before = subscriptions();
  ASSERT_TRUE(wait_until([&] { return subscriptions() > before; }, 20s)) << cluster.log(leader);
  ASSERT_EQ(cluster.sim_call("POST", "/sim/heartbeats", R"({"enabled":true})").status, 200);
  ASSERT_TRUE(wait_completed(conn, 200, 90s)) << jobs_in(conn, "COMPLETED") << " completed\n"
                                              << cluster.log(leader);
  expect_exactly_once(cluster, conn, 200, false);
}

}  // namespace
}  // namespace scale::test
