// What the leader and the failover drill read back: job rows by id (JobLookup), recent executions
// per node (NodeActivity, RecentActivity) and the epoch audit of fence 2 (EpochAudit), on a real
// PostgreSQL.
#include <gtest/gtest.h>

#include <thread>

#include "db/epoch_audit.h"
#include "db/execution_store.h"
#include "db/fence.h"
#include "db/job_lookup.h"
#include "db/job_store.h"
#include "db/node_activity.h"
#include "tests/integration/db/db_test_env.h"
#include "tests/integration/db/jobs_test_rows.h"

namespace scale::db {
namespace {

using testing::migrated_database;

long long submit(Connection& conn, const std::string& name, double cpus) {
  NewJob job;
  job.name = name;
  job.command = "echo " + name;
  job.resources = {cpus, 256, 0, 0};
  job.priority = 7;
  return JobStore::submit(conn, job).id;
}

TEST(JobLookup, ReadsCommandsAndIntentsOfTheGivenJobsOnly) {
  Connection conn(migrated_database());
  const long long a = submit(conn, "a", 1);
  const long long b = submit(conn, "b", 2);
  submit(conn, "c", 3);
  ASSERT_EQ(JobStore::cancel(conn, b).outcome, CancelOutcome::Canceled);

  auto commands = JobLookup::commands(conn, {a, b, 999});
  ASSERT_EQ(commands.size(), 2u);
  std::sort(commands.begin(), commands.end(),
            [](const JobCommand& x, const JobCommand& y) { return x.job_id < y.job_id; });
  EXPECT_EQ(commands[0].name, "a");
  EXPECT_EQ(commands[0].command, "echo a");
  EXPECT_EQ(commands[1].job_id, b);

  auto intents = JobLookup::intents(conn, {a, b});
  ASSERT_EQ(intents.size(), 2u);
  std::sort(intents.begin(), intents.end(),
            [](const JobIntent& x, const JobIntent& y) { return x.entry.job_id < y.entry.job_id; });
  EXPECT_EQ(intents[0].status, JobStatus::Queued);
  EXPECT_FALSE(intents[0].cancel_requested);
  EXPECT_EQ(intents[0].entry.priority, 7);
  EXPECT_DOUBLE_EQ(intents[0].entry.resources.cpus, 1);
  EXPECT_GT(intents[0].entry.queued_at_us, 0);
  EXPECT_EQ(intents[1].status, JobStatus::Canceled);
  EXPECT_TRUE(intents[1].cancel_requested);
  EXPECT_TRUE(JobLookup::intents(conn, {}).empty());
}

TEST(NodeActivity, CountsExecutionsThatEndedWithinTheWindowByAgent) {
  Connection conn(migrated_database());
  const long long job = submit(conn, "j", 1);
  const std::pair<int, const char*> exes[] = {
      {1, "FINISHED"}, {2, "FAILED"}, {3, "LOST"}, {4, "FINISHED"}, {5, "RUNNING"}};
  for (const auto& [num, state] : exes) testing::add_execution(conn, job, num, state);
  conn.exec("UPDATE job_exe SET ended_at = now() WHERE state <> 'RUNNING'");
  // Long ago: outside the window.
  conn.exec("UPDATE job_exe SET ended_at = now() - interval '4 hours' WHERE exe_num = 4");
  conn.exec("UPDATE job_exe SET agent_id = 'agent-2' WHERE exe_num = 3");

  const auto counts = NodeActivity::recent_finished(conn, std::chrono::hours(3));
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].agent_id, "agent-1");
  EXPECT_EQ(counts[0].completed, 1);
  EXPECT_EQ(counts[0].failed, 1);
  EXPECT_EQ(counts[1].agent_id, "agent-2");
  EXPECT_EQ(counts[1].completed, 0);
  EXPECT_EQ(counts[1].failed, 1);
}

// What RecentActivity holds must equal a full count (in the same transaction, so of the same
// now()) after every change: executions ending, on a new agent, and leaving the window. As on the
// leader, an execution ends at its transaction's now(), after the previous read.
TEST(RecentActivity, KeepsTheCountsOfAFullReadAsExecutionsEndAndLeaveTheWindow) {
  Connection conn(migrated_database());
  const auto window = std::chrono::seconds(3);
  RecentActivity recent(window, std::chrono::hours(1));
  std::vector<AgentExecutionCounts> kept;
  const auto same_as_full_count = [&] {
    std::vector<AgentExecutionCounts> full;
    conn.transaction([&](Connection& c) {
      kept = recent.read(c);
      full = NodeActivity::recent_finished(c, window);
    });
    if (kept.size() != full.size()) return false;
    for (size_t i = 0; i < kept.size(); ++i) {
      if (kept[i].agent_id != full[i].agent_id || kept[i].completed != full[i].completed ||
          kept[i].failed != full[i].failed)
        return false;
    }
    return true;
  };
  const long long job = submit(conn, "j", 1);
  int exe = 0;
  const auto end = [&](const char* state, const char* agent) {
    testing::add_execution(conn, job, ++exe, state);
    conn.exec(
        "UPDATE job_exe SET ended_at = now(), agent_id = $1 WHERE job_id = $2 AND exe_num = $3",
        {agent, std::to_string(job), std::to_string(exe)});
  };
  EXPECT_TRUE(same_as_full_count()) << "nothing ended yet";
  end("FINISHED", "agent-1");
  end("FAILED", "agent-1");
  ASSERT_TRUE(same_as_full_count());
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].completed, 1);
  EXPECT_EQ(kept[0].failed, 1);
  end("LOST", "agent-2");
  ASSERT_TRUE(same_as_full_count());
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[1].agent_id, "agent-2");
  // Every read until all three have left the window agrees with a full count.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!kept.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(same_as_full_count());
  }
  EXPECT_TRUE(kept.empty()) << "the executions never left the window";
  end("FINISHED", "agent-3");
  EXPECT_TRUE(same_as_full_count());
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].agent_id, "agent-3");
  recent.reset();
  EXPECT_TRUE(same_as_full_count()) << "counted afresh";
}

TEST(EpochAudit, FencedHistoryIsCleanAndAStaleRowIsReported) {
  Connection conn(migrated_database());
  const long long job = submit(conn, "j", 1);
  ASSERT_TRUE(Fence::promote(conn, {10, "r1", "http://r1", ""}));
  const auto launched =
      ExecutionStore::record_launches(conn, 10, {{job, "agent-1", {1, 256, 0, 0}}});
  ASSERT_EQ(launched.size(), 1u);
  TaskStatusUpdate running;
  running.task_id = launched[0].task_id;
  running.state = "TASK_RUNNING";
  running.uuid = "u1";
  ExecutionStore::apply_updates(conn, 10, {running});
  ASSERT_TRUE(Fence::promote(conn, {11, "r2", "http://r2", ""}));
  // The old term's next write is fenced out, so the history stays clean.
  TaskStatusUpdate finished = running;
  finished.state = "TASK_FINISHED";
  finished.uuid = "u2";
  EXPECT_THROW(ExecutionStore::apply_updates(conn, 10, {finished}), FencedOut);
  EXPECT_TRUE(EpochAudit::stale_writes(conn).empty());
  // The launch row keeps its launch epoch when a newer term updates it.
  ExecutionStore::apply_updates(conn, 11, {finished});
  EXPECT_EQ(conn.exec("SELECT launch_epoch, epoch FROM job_exe").integer(0, 0), 10);
  EXPECT_TRUE(EpochAudit::stale_writes(conn).empty());

  // A row of epoch 10 written behind the fence's back, after term 11 was elected.
  conn.exec(
      "INSERT INTO task_update (task_id, state, uuid, epoch) VALUES ($1, 'TASK_RUNNING', 'u9', 10)",
      {launched[0].task_id});
  const auto stale = EpochAudit::stale_writes(conn);
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].table, "task_update");
  EXPECT_EQ(stale[0].epoch, 10);
  EXPECT_EQ(stale[0].newer_epoch, 11);
  EXPECT_LT(stale[0].newer_elected_at, stale[0].written_at);
}

}  // namespace
}  // namespace scale::db
