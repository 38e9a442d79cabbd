// ExecutionStore's deadlines on a real PostgreSQL: the timeout sweep and its classification, and
// executions on agents unreachable for too long.
#include <gtest/gtest.h>

#include <chrono>

#include "db/execution_store.h"
#include "db/fence.h"
#include "tests/integration/db/db_test_env.h"
#include "tests/integration/db/status_updates.h"

namespace scale::db {
namespace {

using testing::migrated_database;

constexpr long long kEpoch = 10;

struct Leader {
  std::string db = migrated_database();
  Connection conn{db};
  Leader() { EXPECT_TRUE(Fence::promote(conn, {kEpoch, "leader", "http://leader", ""})); }
};

// timeout_s / kill_grace_s: "NULL" or a number, fixed by the test.
long long add_job(Connection& conn, const std::string& timeout_s, int max_tries = 1,
                  const std::string& kill_grace_s = "NULL") {
  return conn
      .exec(
          "INSERT INTO job (name, command, cpus, mem, max_tries, timeout_s, kill_grace_s)"
          " VALUES ('j', 'sleep 60', 1, 64, $1, " +
              timeout_s + ", " + kill_grace_s + ") RETURNING id",
          {std::to_string(max_tries)})
      .integer(0, 0);
}

std::string job_text(Connection& conn, long long id, const std::string& column) {
  return conn.exec("SELECT " + column + "::text FROM job WHERE id = $1", {std::to_string(id)})
      .text(0, 0);
}

std::string exe_text(Connection& conn, const std::string& task_id, const std::string& column) {
  return conn.exec("SELECT " + column + "::text FROM job_exe WHERE task_id = $1", {task_id})
      .text(0, 0);
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TaskStatusUpdate update(const std::string& task, const std::string& state, double ts,
                        std::optional<std::string> reason = std::nullopt) {
  TaskStatusUpdate u = testing::executor_update(task, state, ts);
  u.reason = std::move(reason);
  return u;
}

UpdateOutcome apply_one(Connection& conn, const TaskStatusUpdate& u) {
  return testing::apply_one(conn, kEpoch, u);
}

// Launched and RUNNING since `ago_s` seconds.
std::string run(Connection& conn, long long job, int ago_s) {
  auto launched = ExecutionStore::record_launches(conn, kEpoch, {{job, "agent-1", {1, 64, 0, 0}}});
  EXPECT_EQ(launched.size(), 1u);
  const std::string task = launched.empty() ? "" : launched[0].task_id;
  apply_one(conn, update(task, "TASK_RUNNING", unix_now() - ago_s));
  conn.exec(
      "UPDATE job_exe SET started_at = now() - $2::int * interval '1 second'"
      " WHERE task_id = $1",
      {task, std::to_string(ago_s)});
  return task;
}

TEST(Deadlines, OnlyLiveExecutionsPastTheirTimeoutAreMarkedAndOnlyOnce) {
  Leader l;
  Connection& c = l.conn;
  const long long overdue = add_job(c, "5", 1, "2.5"), in_time = add_job(c, "60"),
                  unlimited = add_job(c, "NULL"), done = add_job(c, "5");
  const std::string overdue_task = run(c, overdue, 10);
  run(c, in_time, 10);
  run(c, unlimited, 1000);
  const std::string done_task = run(c, done, 10);
  apply_one(c, update(done_task, "TASK_FINISHED", unix_now()));

  std::vector<KillTarget> marked = ExecutionStore::mark_timed_out(c, kEpoch);
  ASSERT_EQ(marked.size(), 1u);
  EXPECT_EQ(marked[0].job_id, overdue);
  EXPECT_EQ(marked[0].task_id, overdue_task);
  EXPECT_EQ(marked[0].agent_id, "agent-1");
  EXPECT_EQ(marked[0].kill_grace_s, std::optional<double>(2.5));
  EXPECT_NE(exe_text(c, overdue_task, "timed_out_at"), "");
  EXPECT_TRUE(ExecutionStore::mark_timed_out(c, kEpoch).empty());
  // A new term finds the marked execution among those to kill.
  std::vector<KillTarget> to_kill = ExecutionStore::jobs_to_kill(c, kEpoch);
  ASSERT_EQ(to_kill.size(), 1u);
  EXPECT_EQ(to_kill[0].task_id, overdue_task);
  EXPECT_EQ(to_kill[0].kill_grace_s, std::optional<double>(2.5));
}

TEST(Deadlines, ATimedOutKillCountsAsATryThenFailsTheJobWithATimeoutError) {
  Leader l;
  Connection& c = l.conn;
  const long long job = add_job(c, "2", /*max_tries=*/2);
  const std::string first = run(c, job, 5);
  ASSERT_EQ(ExecutionStore::mark_timed_out(c, kEpoch).size(), 1u);
  UpdateOutcome killed = apply_one(c, update(first, "TASK_KILLED", unix_now(), "REASON_X"));
  EXPECT_EQ(killed.transition, JobTransition::Requeued);
  EXPECT_EQ(exe_text(c, first, "exit_reason"), "timeout");
  EXPECT_EQ(job_text(c, job, "status"), "QUEUED");

  const std::string second = run(c, job, 5);
  ASSERT_EQ(ExecutionStore::mark_timed_out(c, kEpoch).size(), 1u);
  EXPECT_EQ(apply_one(c, update(second, "TASK_KILLED", unix_now())).transition,
            JobTransition::Failed);
  EXPECT_EQ(job_text(c, job, "status"), "FAILED");
  EXPECT_EQ(job_text(c, job, "error"),
            "timeout: ran longer than its timeout_s of 2 s: TASK_KILLED");
  EXPECT_EQ(exe_text(c, second, "exit_reason"), "timeout");
  EXPECT_TRUE(ExecutionStore::jobs_to_kill(c, kEpoch).empty());
}

TEST(Deadlines, FinishingAfterTheMarkCompletesAndACancelStillWins) {
  Leader l;
  Connection& c = l.conn;
  const long long finished = add_job(c, "2"), canceled = add_job(c, "2", 3);
  const std::string finished_task = run(c, finished, 5), canceled_task = run(c, canceled, 5);
  ASSERT_EQ(ExecutionStore::mark_timed_out(c, kEpoch).size(), 2u);
  c.exec("UPDATE job SET cancel_requested = true WHERE id = $1", {std::to_string(canceled)});
  EXPECT_EQ(apply_one(c, update(finished_task, "TASK_FINISHED", unix_now())).transition,
            JobTransition::Completed);
  EXPECT_EQ(exe_text(c, finished_task, "exit_reason"), "");
  EXPECT_EQ(apply_one(c, update(canceled_task, "TASK_KILLED", unix_now())).transition,
            JobTransition::Canceled);
}

TEST(Deadlines, UnreachableRecordsItsTimeExpiresAndAReturningCopyIsOnlyKilled) {
  Leader l;
  Connection& c = l.conn;
  const long long job = add_job(c, "NULL", 3, "4"), back_in_time = add_job(c, "NULL");
  const std::string task = run(c, job, 300), back_task = run(c, back_in_time, 300);
  TaskStatusUpdate unreachable = update(task, "TASK_UNREACHABLE", unix_now() - 50);
  unreachable.unreachable_time = unix_now() - 100;
  unreachable.source = "SOURCE_MASTER";
  EXPECT_TRUE(apply_one(c, unreachable).applied);
  EXPECT_EQ(exe_text(c, task, "state"), "UNREACHABLE");  // not terminal
  EXPECT_EQ(job_text(c, job, "status"), "RUNNING");
  EXPECT_EQ(exe_text(c, task, "round(extract(epoch FROM now() - unreachable_at))"), "100");
  // Without unreachable_time, the update's time; coming back clears it.
  apply_one(c, update(back_task, "TASK_UNREACHABLE", unix_now() - 200));
  apply_one(c, update(back_task, "TASK_RUNNING", unix_now() - 10));
  EXPECT_EQ(exe_text(c, back_task, "coalesce(unreachable_at::text, 'none')"), "none");

  EXPECT_TRUE(ExecutionStore::unreachable_expired(c, kEpoch, 200).empty());
  std::vector<KillTarget> expired = ExecutionStore::unreachable_expired(c, kEpoch, 60);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].task_id, task);
  EXPECT_EQ(expired[0].kill_grace_s, std::optional<double>(4));

  // The leader ends it as lost: a try, and the job is requeued.
  TaskStatusUpdate lost = update(task, "TASK_LOST", 0, "unreachable_timeout");
  lost.source = "SOURCE_SCHEDULER";
  EXPECT_EQ(apply_one(c, lost).transition, JobTransition::Requeued);
  EXPECT_EQ(exe_text(c, task, "exit_reason"), "unreachable_timeout");
  EXPECT_EQ(job_text(c, job, "num_exes"), "1");
  EXPECT_TRUE(ExecutionStore::unreachable_expired(c, kEpoch, 60).empty());

  // The agent re-registers with the task still running: kill it, never count it again.
  UpdateOutcome returned =
      apply_one(c, update(task, "TASK_RUNNING", unix_now(), "REASON_AGENT_REREGISTERED"));
  EXPECT_TRUE(returned.kill);
  EXPECT_FALSE(returned.applied);
  EXPECT_EQ(returned.transition, JobTransition::None);
  EXPECT_EQ(returned.kill_grace_s, std::optional<double>(4));
  EXPECT_EQ(exe_text(c, task, "state"), "LOST");
  EXPECT_EQ(job_text(c, job, "status"), "QUEUED");
  EXPECT_EQ(job_text(c, job, "num_exes"), "1");
}

// Partition-aware terminal states end the execution and retry the job (spec A.8, B.4).
TEST(Deadlines, GoneGoneByOperatorAndDroppedAreTerminal) {
  Leader l;
  Connection& c = l.conn;
  for (const char* state : {"TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_DROPPED"}) {
    const long long job = add_job(c, "NULL", 2);
    const std::string task = run(c, job, 1);
    EXPECT_EQ(apply_one(c, update(task, state, unix_now())).transition, JobTransition::Requeued)
        << state;
    EXPECT_EQ("TASK_" + exe_text(c, task, "state"), state);
  }
}

}  // namespace
}  // namespace scale::db
