// Bulk cancel, bulk requeue, priority changes and retention end to end: two replicas over a real
// ensemble, PostgreSQL and mesos-sim, every request through the follower.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "db/connection.h"
#include "tests/e2e/scheduler/local_cluster.h"
#include "tests/e2e/scheduler/scheduling_checks.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;

// A job that takes a whole agent (mesos-sim agents have 8 cpus): jobs run one after the other,
// so the launch order is the queue order.
long long submit_whole_agent(const LocalCluster& cluster, int replica, const std::string& name) {
  const auto answer = cluster.call(
      replica, "POST", "/v6/jobs/",
      R"({"name":")" + name + R"(","command":"sleep 1","resources":{"cpus":8,"mem":64}})");
  rapidjson::Document doc;
  doc.Parse(answer.body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("id")) return -1;
  return doc["id"].GetInt64();
}

// A job a previous term ran once and failed for good, as that leader left it.
long long insert_failed_job(db::Connection& conn, const std::string& name) {
  const long long id = conn.exec(
                               "INSERT INTO job (name, command, cpus, mem, status, max_tries,"
                               " num_exes, started_at, ended_at, error, epoch)"
                               " VALUES ($1, 'sleep 1', 1, 64, 'FAILED', 1, 1,"
                               " now() - interval '2 minutes', now() - interval '1 minute',"
                               " 'exit 1', 1) RETURNING id",
                               {name})
                           .integer(0, 0);
  conn.exec(
      "INSERT INTO job_exe (job_id, exe_num, task_id, agent_id, state, epoch, launch_epoch, cpus,"
      " mem, ended_at) VALUES ($1::bigint, 1, 'scale_job_' || $1::bigint || '_1', 'gone', "
      "'FAILED', 1, 1, 1, 64,"
      " now() - interval '1 minute')",
      {std::to_string(id)});
  return id;
}

bool set_paused(const LocalCluster& cluster, int replica, int leader, bool paused) {
  const auto answer = cluster.call(replica, "PATCH", "/v6/scheduler/",
                                   paused ? R"({"is_paused":true})" : R"({"is_paused":false})");
  if (answer.status != 200) return false;
  return wait_until(
      [&] {
        const auto status = cluster.get(leader, "/v6/status/").body;
        return (status.find("\"PAUSED\"") != std::string::npos) == paused;
      },
      5s);
}

std::string id_list(const std::vector<long long>& ids) {
  std::string out;
  for (long long id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

TEST(JobActionsE2e, BulkCancelRequeuePriorityAndRetention) {
  LocalCluster::Options options;
  options.replicas = 2;
  options.mesos = LocalCluster::MesosSim{};
  options.mesos->agents = 1;
  options.mesos->task_ms = "300";
  LocalCluster cluster(options);
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  const int follower = 1 - leader;
  db::Connection conn(cluster.conninfo());
  ASSERT_TRUE(set_paused(cluster, follower, leader, true)) << cluster.log(leader);

  // Bulk cancel of queued jobs: stored by the follower, carried out by the leader.
  std::vector<long long> canceled;
  for (int i = 0; i < 5; ++i) canceled.push_back(submit_one(cluster, follower, "to-cancel"));
  const auto cancel = cluster.call(follower, "POST", "/v6/jobs/cancel/", R"({"status":"QUEUED"})");
  ASSERT_EQ(cancel.status, 202) << cancel.body;
  ASSERT_TRUE(wait_until([&] { return jobs_in(conn, "CANCELED") == 5; }, 5s))
      << cluster.log(leader);
  EXPECT_EQ(scalar(conn, "SELECT jobs_canceled FROM job_bulk_action WHERE done_at IS NOT NULL"), 5);

  // A priority change re-sorts the leader's queue: the later job runs first.
  const long long first = submit_whole_agent(cluster, follower, "submitted-first");
  const long long second = submit_whole_agent(cluster, follower, "submitted-second");
  ASSERT_GT(first, 0);
  ASSERT_GT(second, 0);
  const auto patched = cluster.call(follower, "PATCH", "/v6/jobs/" + std::to_string(second) + "/",
                                    R"({"priority":1})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  ASSERT_TRUE(set_paused(cluster, follower, leader, false));
  ASSERT_TRUE(wait_until([&] { return jobs_in(conn, "COMPLETED") == 2; }, 15s))
      << cluster.log(leader);
  EXPECT_LT(scalar(conn, "SELECT id FROM job_exe WHERE job_id = " + std::to_string(second)),
            scalar(conn, "SELECT id FROM job_exe WHERE job_id = " + std::to_string(first)));

  // Bulk requeue of failed jobs: another set of tries, the given priority, and they run.
  std::vector<long long> failed;
  for (int i = 0; i < 3; ++i) failed.push_back(insert_failed_job(conn, "failed-before"));
  const auto requeue = cluster.call(follower, "POST", "/v6/jobs/requeue/",
                                    R"({"job_ids":[)" + id_list(failed) + R"(],"priority":5})");
  ASSERT_EQ(requeue.status, 202) << requeue.body;
  ASSERT_TRUE(wait_until([&] { return jobs_in(conn, "COMPLETED") == 5; }, 15s))
      << cluster.log(leader);
  const std::string requeued = "job WHERE id IN (" + id_list(failed) + ")";
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM " + requeued +
                             " AND num_exes = 2 AND max_tries = 2 AND priority = 5"
                             " AND error IS NULL"),
            3);

  // Retention: finished jobs ended long ago go with their executions and updates; a recent one
  // and a queued one (even with an old ended_at) stay.
  ASSERT_TRUE(set_paused(cluster, follower, leader, true));
  const long long queued = submit_one(cluster, follower, "stays-queued");
  const std::string old_ones = "id IN (" + id_list(canceled) + "," + std::to_string(first) + ")";
  conn.exec("UPDATE job SET ended_at = now() - interval '40 days' WHERE " + old_ones +
            " OR id = " + std::to_string(queued));
  ASSERT_TRUE(wait_until([&] { return scalar(conn, "SELECT count(*) FROM job") == 5; }, 15s))
      << cluster.log(leader);
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM job WHERE " + old_ones), 0);
  EXPECT_EQ(job_status(conn, queued), "QUEUED");
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM job_exe WHERE job_id = " + std::to_string(first)),
            0);
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM task_update WHERE task_id = 'scale_job_" +
                             std::to_string(first) + "_1'"),
            0);
  EXPECT_GT(scalar(conn, "SELECT count(*) FROM task_update WHERE task_id = 'scale_job_" +
                             std::to_string(second) + "_1'"),
            0);
  EXPECT_TRUE(wait_until(
      [&] {
        return cluster.get(leader, "/metrics").body.find("scale_retention_deleted_jobs_total 6") !=
               std::string::npos;
      },
      5s));
}

}  // namespace
}  // namespace scale::test
