// Deadlines the leader enforces, with real processes (3 replicas, ZooKeeper, PostgreSQL,
// mesos-sim): a job's time limit, also across a leader SIGKILL, and an agent that stays
// unreachable. Today's emulator ends a task at once on KILL and never brings an unreachable agent
// back; tests of "the kill grace is observed" (KILL -> TASK_KILLING, TASK_KILLED only after the
// grace) and of "a task that comes back is killed" (an update with REASON_AGENT_REREGISTERED
// after the leader gave the execution up) need the emulator to honour kill_policy and to offer a
// /sim route that re-registers an unreachable agent with its tasks.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "db/connection.h"
#include "tests/e2e/scheduler/local_cluster.h"
#include "tests/e2e/scheduler/scheduling_checks.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;

LocalCluster::Options cluster_options(const std::string& task_ms, int agents = 4) {
  LocalCluster::Options options;
  options.mesos = LocalCluster::MesosSim{};
  options.mesos->task_ms = task_ms;
  options.mesos->agents = agents;
  options.replica_flags = {"--unreachable_timeout_s=2"};
  return options;
}

long long submit(const LocalCluster& cluster, int replica, const std::string& extra) {
  const std::string body =
      R"({"name":"deadline","command":"sleep 60","resources":{"cpus":1,"mem":64},)" + extra + "}";
  const auto answer = cluster.call(replica, "POST", "/v6/jobs/", body);
  rapidjson::Document doc;
  doc.Parse(answer.body.c_str());
  EXPECT_EQ(answer.status, 201) << answer.body;
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("id")) return -1;
  return doc["id"].GetInt64();
}

std::string text(db::Connection& conn, const std::string& sql, long long id) {
  auto r = conn.exec(sql, {std::to_string(id)});
  return r.rows() == 0 || r.is_null(0, 0) ? "" : r.text(0, 0);
}

bool has_running_exe(db::Connection& conn, long long job) {
  return scalar(conn, "SELECT count(*) FROM job_exe WHERE job_id = " + std::to_string(job) +
                          " AND state = 'RUNNING'") > 0;
}

// GET /v6/jobs/{id}/ shows the timeout: the job's error and each execution's exit_reason.
void expect_timeout_shown(const LocalCluster& cluster, int replica, long long job, int exes) {
  const auto answer = cluster.get(replica, "/v6/jobs/" + std::to_string(job) + "/");
  rapidjson::Document doc;
  doc.Parse(answer.body.c_str());
  ASSERT_TRUE(doc.IsObject()) << answer.body;
  EXPECT_STREQ(doc["status"].GetString(), "FAILED");
  ASSERT_TRUE(doc["error"].IsString()) << answer.body;
  EXPECT_EQ(std::string(doc["error"].GetString()).rfind("timeout: ", 0), 0u) << answer.body;
  ASSERT_EQ(doc["executions"].Size(), static_cast<unsigned>(exes)) << answer.body;
  for (const auto& exe : doc["executions"].GetArray()) {
    EXPECT_STREQ(exe["state"].GetString(), "KILLED");
    EXPECT_STREQ(exe["exit_reason"].GetString(), "timeout");
  }
}

TEST(DeadlinesE2e, JobPastItsTimeoutIsKilledRetriedThenFailedAlsoAcrossALeaderKill) {
  LocalCluster cluster(cluster_options("60000"));
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());
  const long long job = submit(cluster, leader, R"("timeout_s":2,"kill_grace_s":1,"max_tries":2)");
  ASSERT_GT(job, 0);
  ASSERT_TRUE(wait_until([&] { return job_status(conn, job) == "FAILED"; }, 20s))
      << job_status(conn, job) << "\n"
      << cluster.log(leader);
  expect_timeout_shown(cluster, leader, job, 2);
  const auto metrics = cluster.get(leader, "/metrics").body;
  EXPECT_NE(metrics.find("scale_job_timeouts_total 2"), std::string::npos) << metrics;

  // The deadline is in the database: the next leader kills the overdue task.
  const long long survivor = submit(cluster, leader, R"("timeout_s":3,"max_tries":1)");
  ASSERT_TRUE(wait_until([&] { return has_running_exe(conn, survivor); }, 10s));
  cluster.process(leader).kill_and_wait();
  const int next = cluster.wait_sole_leader(20s);
  ASSERT_GE(next, 0);
  ASSERT_TRUE(wait_until([&] { return job_status(conn, survivor) == "FAILED"; }, 20s))
      << job_status(conn, survivor) << "\n"
      << cluster.log(next);
  expect_timeout_shown(cluster, next, survivor, 1);
}

TEST(DeadlinesE2e, UnreachableAgentsTaskIsGivenUpAfterTheTimeoutAndItsJobRunsElsewhere) {
  LocalCluster cluster(cluster_options("4000", 2));
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());
  const long long job = submit(cluster, leader, R"("max_tries":3)");
  ASSERT_TRUE(wait_until([&] { return has_running_exe(conn, job); }, 10s));
  const std::string agent =
      text(conn, "SELECT agent_id FROM job_exe WHERE job_id = $1 AND exe_num = 1", job);
  ASSERT_EQ(cluster
                .sim_call("POST", "/sim/remove_agent",
                          R"({"agent_id":")" + agent + R"(","mode":"unreachable"})")
                .status,
            200);
  ASSERT_TRUE(wait_until(
      [&] {
        return text(conn, "SELECT state FROM job_exe WHERE job_id = $1 AND exe_num = 1", job) !=
               "RUNNING";
      },
      10s));
  ASSERT_TRUE(wait_until([&] { return job_status(conn, job) == "COMPLETED"; }, 25s))
      << job_status(conn, job) << "\n"
      << cluster.log(leader);
  EXPECT_EQ(text(conn,
                 "SELECT state || ' ' || exit_reason FROM job_exe WHERE job_id = $1"
                 " AND exe_num = 1",
                 job),
            "LOST unreachable_timeout");
  EXPECT_EQ(text(conn, "SELECT num_exes FROM job WHERE id = $1", job), "2");
  EXPECT_NE(text(conn, "SELECT agent_id FROM job_exe WHERE job_id = $1 AND exe_num = 2", job),
            agent);
  const auto metrics = cluster.get(leader, "/metrics").body;
  EXPECT_NE(metrics.find("scale_unreachable_expired_total 1"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace scale::test
