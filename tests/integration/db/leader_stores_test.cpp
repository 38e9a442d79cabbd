// The leader's stores (ExecutionStore, AgentStore, LeaderStateLoader) on a real PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "db/agent_store.h"
#include "db/execution_store.h"
#include "db/fence.h"
#include "db/leader_state_loader.h"
#include "tests/integration/db/db_test_env.h"
#include "tests/integration/db/status_updates.h"

namespace scale::db {
namespace {

using std::chrono::milliseconds;
using testing::migrated_database;
using testing::ready_within;

constexpr long long kEpoch = 10;

// A migrated database whose fence is held by term kEpoch.
struct Leader {
  std::string db = migrated_database();
  Connection conn{db};
  Leader() { EXPECT_TRUE(Fence::promote(conn, {kEpoch, "leader", "http://leader", ""})); }
};

long long add_job(Connection& conn, int priority = 100, int max_tries = 3, double cpus = 1) {
  return conn
      .exec(
          "INSERT INTO job (name, command, cpus, mem, priority, max_tries)"
          " VALUES ('j', 'true', $1, 64, $2, $3) RETURNING id",
          {std::to_string(cpus), std::to_string(priority), std::to_string(max_tries)})
      .integer(0, 0);
}

std::string job_text(Connection& conn, long long id, const std::string& column) {
  // column is a fixed name from the test, never input.
  return conn.exec("SELECT " + column + "::text FROM job WHERE id = $1", {std::to_string(id)})
      .text(0, 0);
}

std::string exe_text(Connection& conn, const std::string& task_id, const std::string& column) {
  return conn.exec("SELECT " + column + "::text FROM job_exe WHERE task_id = $1", {task_id})
      .text(0, 0);
}

long long count(Connection& conn, const std::string& sql, const Params& params = {}) {
  return conn.exec(sql, params).integer(0, 0);
}

Launch launch(long long job_id, const std::string& agent = "agent-1") {
  return {job_id, agent, {1, 64, 0, 0}};
}

std::string launch_one(Connection& conn, long long job_id) {
  std::vector<LaunchedExecution> got =
      ExecutionStore::record_launches(conn, kEpoch, {launch(job_id)});
  EXPECT_EQ(got.size(), 1u);
  return got.empty() ? "" : got[0].task_id;
}

TaskStatusUpdate update(const std::string& task, const std::string& state,
                        std::optional<std::string> uuid = std::nullopt, double ts = 0) {
  TaskStatusUpdate u = testing::executor_update(task, state, ts);
  u.uuid = std::move(uuid);
  return u;
}

UpdateOutcome apply_one(Connection& conn, const TaskStatusUpdate& u) {
  return testing::apply_one(conn, kEpoch, u);
}

TEST(ExecutionStore, RecordLaunchesWritesAheadAndSkipsJobsNoLongerQueued) {
  Leader l;
  Connection& c = l.conn;
  AgentStore::upsert_agents(c, kEpoch, {{"agent-1", "host-1", {8, 4096, 1000, 0}}});
  const long long a = add_job(c), canceled = add_job(c), running = add_job(c), asked = add_job(c);
  const long long unknown_agent = add_job(c);
  // Between matching and the write-ahead: one job canceled, one launched, one cancel requested.
  c.exec("UPDATE job SET status = 'CANCELED' WHERE id = $1", {std::to_string(canceled)});
  c.exec("UPDATE job SET status = 'RUNNING' WHERE id = $1", {std::to_string(running)});
  c.exec("UPDATE job SET cancel_requested = true WHERE id = $1", {std::to_string(asked)});

  std::vector<LaunchedExecution> got =
      ExecutionStore::record_launches(c, kEpoch,
                                      {launch(a),
                                       launch(canceled),
                                       launch(running),
                                       launch(asked),
                                       launch(a, "agent-2"),
                                       {unknown_agent, "agent-9", {0.5, 32, 10, 1}}});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].job_id, a);
  EXPECT_EQ(got[0].exe_num, 1);
  EXPECT_EQ(got[0].task_id, "scale_job_" + std::to_string(a) + "_1");
  EXPECT_EQ(got[1].job_id, unknown_agent);

  EXPECT_EQ(job_text(c, a, "status"), "RUNNING");
  EXPECT_EQ(job_text(c, a, "num_exes"), "1");
  EXPECT_EQ(job_text(c, a, "epoch"), std::to_string(kEpoch));
  EXPECT_NE(job_text(c, a, "started_at"), "");
  EXPECT_EQ(exe_text(c, got[0].task_id, "state"), "LAUNCHING");
  EXPECT_EQ(exe_text(c, got[0].task_id, "agent_id"), "agent-1");  // the first entry of job a
  EXPECT_NE(exe_text(c, got[0].task_id, "node_id"), "");
  EXPECT_EQ(exe_text(c, got[1].task_id, "node_id"), "");  // agent not (yet) a node
  EXPECT_EQ(exe_text(c, got[1].task_id, "cpus || ',' || mem || ',' || disk || ',' || gpus"),
            "0.5,32,10,1");
  EXPECT_EQ(job_text(c, canceled, "num_exes"), "0");
  EXPECT_EQ(job_text(c, running, "num_exes"), "0");
  EXPECT_EQ(job_text(c, asked, "status"), "QUEUED");
  EXPECT_TRUE(ExecutionStore::record_launches(c, kEpoch, {}).empty());
}

TEST(ExecutionStore, AnExecutionIsLaunchedAtMostOnce) {
  Leader l;
  Connection& c = l.conn;
  const long long job = add_job(c);
  const std::string task = launch_one(c, job);
  // A repeated write-ahead (e.g. a retried loop turn) finds the job RUNNING: nothing to launch.
  EXPECT_TRUE(ExecutionStore::record_launches(c, kEpoch, {launch(job)}).empty());
  // Even if the job row were rolled back to look unlaunched, the execution is not written twice.
  c.exec("UPDATE job SET status = 'QUEUED', num_exes = 0 WHERE id = $1", {std::to_string(job)});
  try {
    ExecutionStore::record_launches(c, kEpoch, {launch(job), launch(add_job(c))});
    FAIL() << "an execution was written twice";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "23505") << e.what();
  }
  EXPECT_EQ(count(c, "SELECT count(*) FROM job_exe"), 1);  // the whole batch rolled back
  EXPECT_EQ(job_text(c, job, "num_exes"), "0");
  EXPECT_EQ(exe_text(c, task, "exe_num"), "1");
}

TEST(ExecutionStore, ACancelCommittedDuringTheWriteAheadWins) {
  Leader l;
  const long long job = add_job(l.conn);
  Connection user(l.db);
  user.exec("BEGIN");
  user.exec("UPDATE job SET status = 'CANCELED' WHERE id = $1", {std::to_string(job)});
  auto launched = std::async(std::launch::async, [&] {
    return ExecutionStore::record_launches(l.conn, kEpoch, {launch(job)});
  });
  EXPECT_FALSE(ready_within(launched, milliseconds(300))) << "the launch did not wait for the row";
  user.exec("COMMIT");
  ASSERT_TRUE(ready_within(launched, std::chrono::seconds(5)));
  EXPECT_TRUE(launched.get().empty());
  EXPECT_EQ(job_text(l.conn, job, "status"), "CANCELED");
  EXPECT_EQ(count(l.conn, "SELECT count(*) FROM job_exe"), 0);
}

TEST(ExecutionStore, UpdatesRunAnExecutionToCompletion) {
  Leader l;
  Connection& c = l.conn;
  const long long job = add_job(c);
  const std::string task = launch_one(c, job);
  EXPECT_TRUE(apply_one(c, update(task, "TASK_STARTING", "u1", 100)).applied);
  UpdateOutcome running = apply_one(c, update(task, "TASK_RUNNING", "u2", 101));
  EXPECT_TRUE(running.applied);
  EXPECT_EQ(running.job_id, job);
  EXPECT_EQ(running.transition, JobTransition::None);
  EXPECT_EQ(exe_text(c, task, "state"), "RUNNING");
  EXPECT_NE(exe_text(c, task, "started_at"), "");

  TaskStatusUpdate done = update(task, "TASK_FINISHED", "u3", 102);
  done.reason = "REASON_COMMAND_EXECUTOR_FAILED";
  done.message = "exit 0";
  UpdateOutcome finished = apply_one(c, done);
  EXPECT_TRUE(finished.applied);
  EXPECT_FALSE(finished.kill);
  EXPECT_EQ(finished.transition, JobTransition::Completed);
  EXPECT_FALSE(finished.requeued);
  EXPECT_EQ(exe_text(c, task, "state"), "FINISHED");
  EXPECT_EQ(exe_text(c, task, "exit_message"), "exit 0");
  EXPECT_NE(exe_text(c, task, "ended_at"), "");
  EXPECT_EQ(job_text(c, job, "status"), "COMPLETED");
  EXPECT_NE(job_text(c, job, "ended_at"), "");
  EXPECT_EQ(count(c, "SELECT count(*) FROM task_update WHERE task_id = $1 AND epoch = $2",
                  {task, std::to_string(kEpoch)}),
            3);
}

// A master that does not know a task's agent (right after a master failover) says TASK_UNKNOWN:
// no news about the task, which may be running. Logged; the execution and its job stay as they are.
TEST(ExecutionStore, TaskUnknownIsLoggedButLeavesTheExecutionAndTheJobAlone) {
  Leader l;
  Connection& c = l.conn;
  const long long launching = add_job(c), running = add_job(c);
  const std::string launching_task = launch_one(c, launching);
  const std::string running_task = launch_one(c, running);
  apply_one(c, update(running_task, "TASK_RUNNING", "r1", 100));
  for (const auto& task : {launching_task, running_task}) {
    const UpdateOutcome unknown = apply_one(c, update(task, "TASK_UNKNOWN"));
    EXPECT_FALSE(unknown.applied);
    EXPECT_FALSE(unknown.kill);
    EXPECT_EQ(unknown.transition, JobTransition::None);
  }
  EXPECT_EQ(exe_text(c, launching_task, "state"), "LAUNCHING");
  EXPECT_EQ(exe_text(c, running_task, "state"), "RUNNING");
  EXPECT_EQ(count(c, "SELECT count(*) FROM job WHERE status = 'RUNNING'"), 2);
  EXPECT_EQ(count(c, "SELECT count(*) FROM task_update WHERE state = 'TASK_UNKNOWN'"), 2);
}

TEST(ExecutionStore, RepeatedOlderAndRedeliveredUpdatesChangeNothing) {
  Leader l;
  Connection& c = l.conn;
  const long long job = add_job(c);
  const std::string task = launch_one(c, job);
  EXPECT_TRUE(apply_one(c, update(task, "TASK_RUNNING", "u2", 101)).applied);
  // Redelivered (same uuid), twice in one batch and once more later: stored once, not reapplied.
  std::vector<UpdateOutcome> again = ExecutionStore::apply_updates(
      c, kEpoch,
      {update(task, "TASK_RUNNING", "u2", 101), update(task, "TASK_RUNNING", "u2", 101)});
  ASSERT_EQ(again.size(), 2u);
  EXPECT_FALSE(again[0].applied);
  EXPECT_FALSE(again[1].applied);
  EXPECT_EQ(count(c, "SELECT count(*) FROM task_update WHERE uuid = 'u2'"), 1);
  // Older after newer: STARTING (delivered late) after RUNNING.
  EXPECT_FALSE(apply_one(c, update(task, "TASK_STARTING", "u1", 100)).applied);
  EXPECT_EQ(exe_text(c, task, "state"), "RUNNING");
  // The same state from reconciliation (no uuid) is logged but changes nothing.
  EXPECT_FALSE(apply_one(c, update(task, "TASK_RUNNING")).applied);
  EXPECT_EQ(count(c, "SELECT count(*) FROM task_update WHERE task_id = $1", {task}), 3);

  EXPECT_EQ(apply_one(c, update(task, "TASK_FINISHED", "u3", 103)).transition,
            JobTransition::Completed);
  // A terminal execution never changes again; a task said alive after it finished is killed.
  UpdateOutcome late = apply_one(c, update(task, "TASK_RUNNING", "u4", 104));
  EXPECT_FALSE(late.applied);
  EXPECT_TRUE(late.kill);
  EXPECT_FALSE(late.unknown_task);
  UpdateOutcome failed = apply_one(c, update(task, "TASK_FAILED", "u5", 105));
  EXPECT_FALSE(failed.applied);
  EXPECT_FALSE(failed.kill);
  EXPECT_EQ(failed.transition, JobTransition::None);
  EXPECT_EQ(exe_text(c, task, "state"), "FINISHED");
  EXPECT_EQ(job_text(c, job, "status"), "COMPLETED");
}

TEST(ExecutionStore, OneBatchAppliesTheMostAdvancedUpdatePerTask) {
  Leader l;
  Connection& c = l.conn;
  const std::string a = launch_one(c, add_job(c)), b = launch_one(c, add_job(c));
  std::vector<UpdateOutcome> got = ExecutionStore::apply_updates(
      c, kEpoch,
      {update(a, "TASK_RUNNING", "a1", 10), update(b, "TASK_RUNNING", "b1", 10),
       update(a, "TASK_FINISHED", "a2", 11), update(b, "TASK_STAGING", "b0", 9)});
  ASSERT_EQ(got.size(), 4u);
  EXPECT_FALSE(got[0].applied);  // superseded by FINISHED in the same batch
  EXPECT_TRUE(got[1].applied);
  EXPECT_TRUE(got[2].applied);
  EXPECT_EQ(got[2].transition, JobTransition::Completed);
  EXPECT_FALSE(got[3].applied);
  EXPECT_EQ(exe_text(c, a, "state"), "FINISHED");
  EXPECT_EQ(exe_text(c, b, "state"), "RUNNING");
  // Same rank: RUNNING <-> UNREACHABLE follows the Mesos timestamp.
  EXPECT_TRUE(apply_one(c, update(b, "TASK_UNREACHABLE", std::nullopt, 20)).applied);
  EXPECT_FALSE(apply_one(c, update(b, "TASK_RUNNING", std::nullopt, 15)).applied);
  EXPECT_TRUE(apply_one(c, update(b, "TASK_RUNNING", std::nullopt, 25)).applied);
  EXPECT_EQ(exe_text(c, b, "state"), "RUNNING");
}

TEST(ExecutionStore, FailuresRequeueUntilMaxTriesThenTheJobFails) {
  Leader l;
  Connection& c = l.conn;
  const long long job = add_job(c, /*priority=*/7, /*max_tries=*/2, /*cpus=*/2);
  const long long queued_before =
      count(c, "SELECT (extract(epoch FROM queued_at) * 1000000)::bigint FROM job WHERE id = $1",
            {std::to_string(job)});
  const std::string first = launch_one(c, job);
  UpdateOutcome requeued = apply_one(c, update(first, "TASK_FAILED", "f1", 1));
  EXPECT_TRUE(requeued.applied);
  EXPECT_EQ(requeued.transition, JobTransition::Requeued);
  ASSERT_TRUE(requeued.requeued);
  EXPECT_EQ(requeued.requeued->job_id, job);
  EXPECT_EQ(requeued.requeued->priority, 7);
  EXPECT_GT(requeued.requeued->queued_at_us, queued_before);
  EXPECT_EQ(requeued.requeued->resources.cpus, 2);
  EXPECT_EQ(requeued.requeued->resources.mem, 64);
  EXPECT_EQ(job_text(c, job, "status"), "QUEUED");
  EXPECT_EQ(job_text(c, job, "num_exes"), "1");
  EXPECT_EQ(job_text(c, job, "(extract(epoch FROM queued_at) * 1000000)::bigint"),
            std::to_string(requeued.requeued->queued_at_us));

  const std::string second = launch_one(c, job);
  EXPECT_EQ(second, "scale_job_" + std::to_string(job) + "_2");
  TaskStatusUpdate lost = update(second, "TASK_LOST", "f2", 2);
  lost.reason = "REASON_AGENT_REMOVED";
  lost.message = "agent gone";
  EXPECT_EQ(apply_one(c, lost).transition, JobTransition::Failed);
  EXPECT_EQ(job_text(c, job, "status"), "FAILED");
  EXPECT_EQ(job_text(c, job, "error"), "TASK_LOST: REASON_AGENT_REMOVED: agent gone");
  EXPECT_EQ(exe_text(c, second, "exit_reason"), "REASON_AGENT_REMOVED");
  // A late update of the first execution does not move the job.
  EXPECT_EQ(apply_one(c, update(first, "TASK_FINISHED", "f3", 3)).transition, JobTransition::None);
  EXPECT_EQ(job_text(c, job, "status"), "FAILED");
}

TEST(ExecutionStore, KilledIsCanceledOnlyWhenTheUserAskedAndUnknownTasksAreReported) {
  Leader l;
  Connection& c = l.conn;
  const long long asked = add_job(c), other = add_job(c);
  const std::string asked_task = launch_one(c, asked), other_task = launch_one(c, other);
  c.exec("UPDATE job SET cancel_requested = true WHERE id = $1", {std::to_string(asked)});
  std::vector<KillTarget> kill = ExecutionStore::jobs_to_kill(c, kEpoch);
  ASSERT_EQ(kill.size(), 1u);
  EXPECT_EQ(kill[0].job_id, asked);
  EXPECT_EQ(kill[0].task_id, asked_task);
  EXPECT_EQ(kill[0].agent_id, "agent-1");

  std::vector<UpdateOutcome> got = ExecutionStore::apply_updates(
      c, kEpoch,
      {update(asked_task, "TASK_KILLED", "k1"), update(other_task, "TASK_KILLED", "k2"),
       update("scale_job_999_1", "TASK_RUNNING", "x1"), update("stranger", "TASK_FAILED"),
       update(other_task, "TASK_SOMETHING_NEW", "n1")});
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].transition, JobTransition::Canceled);
  EXPECT_EQ(got[1].transition, JobTransition::Requeued);
  EXPECT_TRUE(got[2].unknown_task);
  EXPECT_TRUE(got[2].kill);
  EXPECT_EQ(got[2].job_id, 0);
  EXPECT_TRUE(got[3].unknown_task);
  EXPECT_FALSE(got[3].kill);  // already dead
  EXPECT_FALSE(got[4].applied);
  EXPECT_FALSE(got[4].unknown_task);
  EXPECT_EQ(job_text(c, asked, "status"), "CANCELED");
  EXPECT_EQ(job_text(c, other, "status"), "QUEUED");
  EXPECT_TRUE(ExecutionStore::jobs_to_kill(c, kEpoch).empty());
  EXPECT_EQ(count(c,
                  "SELECT count(*) FROM task_update WHERE task_id IN ('scale_job_999_1',"
                  " 'stranger') OR state = 'TASK_SOMETHING_NEW'"),
            3);
}

TEST(AgentStore, UpsertsKeepTheUsersPauseAndQuoteOddHostnames) {
  Leader l;
  Connection& c = l.conn;
  const std::string odd = "h\"o,s{t}\\ \xff";
  std::vector<long long> ids = AgentStore::upsert_agents(
      c, kEpoch, {{"a1", "host-1", {4, 8192, 100, 0}}, {"a2", odd, {2, 1024, 0, 1}}});
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(c.exec("SELECT hostname FROM node WHERE id = $1", {std::to_string(ids[1])}).text(0, 0),
            "h\"o,s{t}\\ ?");
  c.exec("UPDATE node SET is_paused = true, pause_reason = 'maintenance' WHERE agent_id = 'a1'");
  EXPECT_EQ(AgentStore::mark_agents_inactive(c, kEpoch, {"a1", "nope"}), 1);
  EXPECT_EQ(AgentStore::upsert_agents(c, kEpoch, {{"a1", "host-1b", {8, 16384, 200, 2}}}),
            std::vector<long long>{ids[0]});
  Result a1 = c.exec(
      "SELECT hostname, is_active, is_paused, pause_reason, cpus, gpus, epoch,"
      " last_offer_at IS NOT NULL FROM node WHERE agent_id = 'a1'");
  EXPECT_EQ(a1.text(0, 0), "host-1b");
  EXPECT_TRUE(a1.boolean(0, 1));
  EXPECT_TRUE(a1.boolean(0, 2));
  EXPECT_EQ(a1.text(0, 3), "maintenance");
  EXPECT_EQ(a1.text(0, 4), "8");
  EXPECT_EQ(a1.text(0, 5), "2");
  EXPECT_EQ(a1.integer(0, 6), kEpoch);
  EXPECT_TRUE(a1.boolean(0, 7));

  AgentStore::set_cluster_resources(c, kEpoch, {12, 17408, 200, 3});
  Result totals = c.exec("SELECT cpus, mem, disk, gpus, epoch FROM cluster_resources");
  EXPECT_EQ(totals.text(0, 0), "12");
  EXPECT_EQ(totals.text(0, 1), "17408");
  EXPECT_EQ(totals.integer(0, 4), kEpoch);
}

TEST(LeaderStateLoader, LoadsTheQueueLiveExecutionsNodesAndPendingKills) {
  Leader l;
  Connection& c = l.conn;
  AgentStore::upsert_agents(c, kEpoch, {{"agent-1", "host-1", {8, 4096, 0, 0}}});
  const long long queued = add_job(c, 3), running = add_job(c), done = add_job(c);
  const long long unknown = add_job(c);
  const std::string running_task = launch_one(c, running), done_task = launch_one(c, done);
  const std::string unknown_task = launch_one(c, unknown);
  apply_one(c, update(running_task, "TASK_RUNNING", "r"));
  apply_one(c, update(done_task, "TASK_FINISHED", "d"));
  apply_one(c, update(unknown_task, "TASK_UNKNOWN"));  // no news: the execution stays as it was
  apply_one(c, update(unknown_task, "TASK_GONE"));     // terminal: the job goes back to the queue
  c.exec("UPDATE job SET cancel_requested = true WHERE id = $1", {std::to_string(running)});

  std::vector<QueueEntry> queue;
  LeaderState s =
      LeaderStateLoader::load(c, kEpoch, [&](const QueueEntry& e) { queue.push_back(e); });
  EXPECT_EQ(s.queued_jobs, 2);
  ASSERT_EQ(queue.size(), 2u);
  std::sort(queue.begin(), queue.end(), [](auto& x, auto& y) { return x.job_id < y.job_id; });
  EXPECT_EQ(queue[0].job_id, queued);
  EXPECT_EQ(queue[0].priority, 3);
  EXPECT_EQ(queue[0].resources.mem, 64);
  EXPECT_GT(queue[0].queued_at_us, 1'600'000'000'000'000LL);
  EXPECT_EQ(queue[1].job_id, unknown);
  ASSERT_EQ(s.executions.size(), 1u);
  EXPECT_EQ(s.executions[0].task_id, running_task);
  EXPECT_EQ(s.executions[0].state, "RUNNING");
  EXPECT_EQ(s.executions[0].epoch, kEpoch);
  ASSERT_EQ(s.agents.size(), 1u);
  EXPECT_EQ(s.agents[0].hostname, "host-1");
  EXPECT_EQ(s.agents[0].resources.cpus, 8);
  ASSERT_EQ(s.to_kill.size(), 1u);
  EXPECT_EQ(s.to_kill[0].task_id, running_task);
}

TEST(LeaderStateLoader, LoadsA100kJobQueue) {
  Leader l;
  Connection& c = l.conn;
  c.exec(
      "INSERT INTO job (name, command, cpus, mem, priority, queued_at)"
      " SELECT 'j', 'true', 1 + g % 4, 128, g % 10, now() - g * interval '1 ms'"
      " FROM generate_series(1, 100000) g");
  c.exec("ANALYZE job");
  long long sum_priority = 0;
  const auto start = std::chrono::steady_clock::now();
  LeaderState s =
      LeaderStateLoader::load(c, kEpoch, [&](const QueueEntry& e) { sum_priority += e.priority; });
  const auto elapsed =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  EXPECT_EQ(s.queued_jobs, 100000);
  EXPECT_EQ(sum_priority, 450000);  // 10,000 each of priorities 0..9
  std::cout << "[ timing ] LeaderStateLoader::load of 100000 queued jobs: " << elapsed.count()
            << " ms\n";
  RecordProperty("load_100k_ms", static_cast<int>(elapsed.count()));
}

TEST(LeaderStores, EveryWriteJoinsOneFencedTransactionAndIsFencedOutByANewerTerm) {
  Leader l;
  Connection& c = l.conn;
  const long long job = add_job(c), other = add_job(c);
  std::string task;
  // One loop turn: several stores, one commit.
  Fence::run(c, kEpoch, [&](Connection& t) {
    task = ExecutionStore::record_launches(t, kEpoch, {launch(job)}).at(0).task_id;
    ExecutionStore::apply_updates(t, kEpoch, {update(task, "TASK_RUNNING", "r1")});
    AgentStore::upsert_agents(t, kEpoch, {{"agent-1", "h", {1, 1, 1, 1}}});
  });
  EXPECT_EQ(exe_text(c, task, "state"), "RUNNING");

  ASSERT_TRUE(Fence::promote(c, {kEpoch + 1, "next", "http://next", ""}));
  const auto fenced = [&](const std::function<void()>& write) { EXPECT_THROW(write(), FencedOut); };
  fenced([&] { ExecutionStore::record_launches(c, kEpoch, {launch(other)}); });
  fenced([&] { ExecutionStore::apply_updates(c, kEpoch, {update(task, "TASK_FINISHED", "f")}); });
  fenced([&] { ExecutionStore::jobs_to_kill(c, kEpoch); });
  fenced([&] { AgentStore::upsert_agents(c, kEpoch, {{"agent-2", "h", {1, 1, 1, 1}}}); });
  fenced([&] { AgentStore::mark_agents_inactive(c, kEpoch, {"agent-1"}); });
  fenced([&] { AgentStore::set_cluster_resources(c, kEpoch, {1, 1, 1, 1}); });
  fenced([&] { LeaderStateLoader::load(c, kEpoch, [](const QueueEntry&) {}); });
  EXPECT_EQ(job_text(c, other, "status"), "QUEUED");
  EXPECT_EQ(exe_text(c, task, "state"), "RUNNING");
  EXPECT_EQ(count(c, "SELECT count(*) FROM task_update"), 1);
  EXPECT_EQ(count(c, "SELECT count(*) FROM node WHERE is_active AND agent_id = 'agent-1'"), 1);
  EXPECT_EQ(count(c, "SELECT count(*) FROM cluster_resources WHERE epoch = 0"), 1);
  // An unfenced transaction cannot carry a leader write either.
  c.transaction([&](Connection& t) {
    EXPECT_THROW(ExecutionStore::record_launches(t, kEpoch + 1, {launch(other)}), Error);
  });
}

}  // namespace
}  // namespace scale::db
