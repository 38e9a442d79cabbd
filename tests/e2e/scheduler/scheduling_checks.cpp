// Checks shared by the scheduling and fault e2e tests.
#include "tests/e2e/scheduler/scheduling_checks.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <set>

namespace scale::test {

long long scalar(db::Connection& conn, const std::string& sql) {
  return conn.exec(sql).integer(0, 0);
}

long long jobs_in(db::Connection& conn, const std::string& status) {
  return conn.exec("SELECT count(*) FROM job WHERE status = $1", {status}).integer(0, 0);
}

void submit_jobs(const LocalCluster& cluster, int count, int max_tries) {
  for (int i = 0; i < count; ++i) {
    const std::string body =
        R"({"name":"e2e-)" + std::to_string(i) + R"(","command":"echo )" + std::to_string(i) +
        R"(","resources":{"cpus":0.5,"mem":64},"max_tries":)" + std::to_string(max_tries) + "}";
    const auto answer = cluster.call(i % cluster.size(), "POST", "/v6/jobs/", body);
    ASSERT_TRUE(answer.status == 200 || answer.status == 201) << answer.status << answer.body;
  }
}

std::vector<JournalEntry> journal(const LocalCluster& cluster) {
  std::vector<JournalEntry> out;
  long long since = 0;
  while (true) {
    const auto answer = cluster.sim_call("GET", "/sim/journal?since=" + std::to_string(since));
    rapidjson::Document doc;
    doc.Parse(answer.body.c_str());
    if (answer.status != 200 || doc.HasParseError()) return out;
    const auto& launches = doc["launches"].GetArray();
    for (const auto& launch : launches)
      out.push_back({launch["task_id"].GetString(), launch["stream_id"].GetString()});
    const long long next = doc["next"].GetInt64();
    if (launches.Empty() || next == since) return out;
    since = next;
  }
}

void expect_exactly_once(const LocalCluster& cluster, db::Connection& conn, long long jobs,
                         bool one_execution) {
  std::vector<std::string> launched;
  for (const auto& entry : journal(cluster)) launched.push_back(entry.task_id);
  expect_launched_once(launched, conn, jobs, one_execution);
  const auto state = cluster.sim_call("GET", "/sim/state");
  rapidjson::Document doc;
  doc.Parse(state.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(doc["duplicate_launches"].GetInt64(), 0);
}

void expect_launched_once(const std::vector<std::string>& launched_task_ids, db::Connection& conn,
                          long long jobs, bool one_execution) {
  EXPECT_EQ(jobs_in(conn, "COMPLETED"), jobs);
  std::set<std::string> launched;
  for (const auto& task_id : launched_task_ids) {
    EXPECT_TRUE(launched.insert(task_id).second) << task_id << " launched twice";
  }
  EXPECT_EQ(static_cast<long long>(launched.size()), jobs);
  const auto rows = conn.exec("SELECT job_id, task_id, state FROM job_exe");
  std::map<long long, int> launched_per_job;
  for (int i = 0; i < rows.rows(); ++i) {
    if (launched.count(rows.text(i, 1))) {
      ++launched_per_job[rows.integer(i, 0)];
      EXPECT_EQ(rows.text(i, 2), "FINISHED") << rows.text(i, 1);
    } else {
      EXPECT_FALSE(one_execution) << rows.text(i, 1) << " never launched";
      EXPECT_TRUE(rows.text(i, 2) == "LOST" || rows.text(i, 2) == "DROPPED" ||
                  rows.text(i, 2) == "GONE")
          << rows.text(i, 1) << " never launched but " << rows.text(i, 2);
    }
  }
  EXPECT_EQ(static_cast<long long>(launched_per_job.size()), jobs);
  for (const auto& [job, count] : launched_per_job) EXPECT_EQ(count, 1) << "job " << job;
  if (one_execution) {
    EXPECT_EQ(scalar(conn, "SELECT count(*) FROM job WHERE num_exes <> 1"), 0);
  }
}

bool wait_completed(db::Connection& conn, long long jobs, std::chrono::seconds timeout) {
  return wait_until([&] { return jobs_in(conn, "COMPLETED") == jobs; }, timeout);
}

long long submit_one(const LocalCluster& cluster, int replica, const std::string& name) {
  const std::string body =
      R"({"name":")" + name + R"(","command":"sleep 1","resources":{"cpus":1,"mem":64}})";
  const auto answer = cluster.call(replica, "POST", "/v6/jobs/", body);
  rapidjson::Document doc;
  doc.Parse(answer.body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("id")) return -1;
  return doc["id"].GetInt64();
}

std::string job_status(db::Connection& conn, long long id) {
  return conn.exec("SELECT status FROM job WHERE id = $1", {std::to_string(id)}).text(0, 0);
}

}  // namespace scale::test
