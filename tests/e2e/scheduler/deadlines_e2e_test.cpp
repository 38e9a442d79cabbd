// Deadlines the leader enforces, with real processes (3 replicas, ZooKeeper, PostgreSQL,
// mesos-sim): a job's time limit, also across a leader SIGKILL; the kill grace a job asks for,
// observed by a task that ignores SIGTERM; an agent that stays unreachable, and the task that
// comes back with it after the leader gave it up.
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

// Once job `job` runs, the agent of its first execution is partitioned away (the emulator's
// health-check timeout: TASK_UNREACHABLE); its id, or "" when that did not happen.
std::string partition_first_agent(const LocalCluster& cluster, db::Connection& conn,
                                  long long job) {
  if (!wait_until([&] { return has_running_exe(conn, job); }, 10s)) return "";
  const std::string agent =
      text(conn, "SELECT agent_id FROM job_exe WHERE job_id = $1 AND exe_num = 1", job);
  const auto removed = cluster.sim_call("POST", "/sim/remove_agent",
                                        R"({"agent_id":")" + agent + R"(","mode":"unreachable"})");
  return removed.status == 200 ? agent : "";
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
  const std::string agent = partition_first_agent(cluster, conn, job);
  ASSERT_FALSE(agent.empty());
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

// Seconds from the first stored update of `from` to the first of `to` for a task; -1 if either
// is missing.
double seconds_between(db::Connection& conn, const std::string& task_id, const std::string& from,
                       const std::string& to) {
  auto r = conn.exec(
      "SELECT extract(epoch FROM (SELECT min(received_at) FROM task_update WHERE task_id = $1"
      " AND state = $3) - (SELECT min(received_at) FROM task_update WHERE task_id = $1"
      " AND state = $2))",
      {task_id, from, to});
  return r.rows() == 1 && !r.is_null(0, 0) ? std::stod(r.text(0, 0)) : -1;
}

std::string task_of(long long job, int exe) {
  return "scale_job_" + std::to_string(job) + "_" + std::to_string(exe);
}

// A cancel sends KILL with the job's grace: a task that ignores SIGTERM is KILLING at once and
// KILLED only when the grace runs out; one that does not is KILLED at once.
TEST(DeadlinesE2e, TheKillGraceOfAJobIsObservedByATaskThatIgnoresSigterm) {
  LocalCluster cluster(cluster_options("60000", 2));
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());
  auto submit_command = [&](const std::string& command) {
    const std::string body = R"({"name":"grace","command":")" + command +
                             R"(","kill_grace_s":2,"resources":{"cpus":1,"mem":64}})";
    const auto answer = cluster.call(leader, "POST", "/v6/jobs/", body);
    rapidjson::Document doc;
    doc.Parse(answer.body.c_str());
    EXPECT_EQ(answer.status, 201) << answer.body;
    return doc.IsObject() && doc.HasMember("id") ? doc["id"].GetInt64() : -1LL;
  };
  const long long stubborn = submit_command("trap '' TERM; sleep 60");
  const long long polite = submit_command("sleep 60");
  ASSERT_TRUE(wait_until([&] { return has_running_exe(conn, stubborn); }, 10s));
  ASSERT_TRUE(wait_until([&] { return has_running_exe(conn, polite); }, 10s));
  for (long long job : {stubborn, polite}) {
    ASSERT_EQ(cluster.call(leader, "POST", "/v6/jobs/" + std::to_string(job) + "/cancel/").status,
              202);
  }
  ASSERT_TRUE(wait_until([&] { return job_status(conn, stubborn) == "CANCELED"; }, 15s));
  ASSERT_TRUE(wait_until([&] { return job_status(conn, polite) == "CANCELED"; }, 15s));
  const double stubborn_s =
      seconds_between(conn, task_of(stubborn, 1), "TASK_KILLING", "TASK_KILLED");
  EXPECT_GE(stubborn_s, 1.8) << "KILLED before the 2 s grace ran out";
  EXPECT_LT(stubborn_s, 6);
  const double polite_s = seconds_between(conn, task_of(polite, 1), "TASK_KILLING", "TASK_KILLED");
  EXPECT_GE(polite_s, 0);
  EXPECT_LT(polite_s, 1.5) << "a task that stops on SIGTERM needs no grace";
}

// The leader gave an unreachable task up (LOST, job rerun elsewhere); the agent then comes back
// with the task still running: the leader kills that copy, and the job keeps its count of tries.
TEST(DeadlinesE2e, ATaskThatComesBackAfterItWasGivenUpIsKilledAndNotCountedTwice) {
  LocalCluster cluster(cluster_options("12000", 2));
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  db::Connection conn(cluster.conninfo());
  const long long job = submit(cluster, leader, R"("max_tries":3)");
  const std::string agent = partition_first_agent(cluster, conn, job);
  ASSERT_FALSE(agent.empty());
  ASSERT_TRUE(wait_until(
      [&] {
        return text(conn, "SELECT state FROM job_exe WHERE job_id = $1 AND exe_num = 2", job) ==
               "RUNNING";
      },
      15s));
  ASSERT_EQ(
      cluster.sim_call("POST", "/sim/restore_agent", R"({"agent_id":")" + agent + R"("})").status,
      200);
  // The returning copy reports RUNNING (REASON_AGENT_REREGISTERED) and is killed.
  ASSERT_TRUE(wait_until(
      [&] {
        return scalar(conn, "SELECT count(*) FROM task_update WHERE task_id = '" + task_of(job, 1) +
                                "' AND state = 'TASK_KILLED'") > 0;
      },
      15s))
      << cluster.log(leader);
  EXPECT_GT(
      scalar(conn, "SELECT count(*) FROM task_update WHERE task_id = '" + task_of(job, 1) +
                       "' AND state = 'TASK_RUNNING' AND reason = 'REASON_AGENT_REREGISTERED'"),
      0);
  EXPECT_EQ(text(conn,
                 "SELECT state || ' ' || exit_reason FROM job_exe WHERE job_id = $1"
                 " AND exe_num = 1",
                 job),
            "LOST unreachable_timeout");
  ASSERT_TRUE(wait_until([&] { return job_status(conn, job) == "COMPLETED"; }, 30s));
  EXPECT_EQ(text(conn, "SELECT num_exes FROM job WHERE id = $1", job), "2");
}

}  // namespace
}  // namespace scale::test
