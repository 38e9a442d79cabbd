// Faults of Mesos itself under a running Scale cluster, on a real master and agents: the leading
// master killed (a standby takes over through ZooKeeper), an agent restarted (it recovers its
// checkpointed tasks), and an agent lost for good (its tasks are retried on another agent).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/e2e/real_mesos/master_view.h"
#include "tests/e2e/real_mesos/real_cluster.h"
#include "tests/e2e/scheduler/scheduling_checks.h"
#include "tests/support/real_mesos_gtest.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;

// Task ids the master reports RUNNING, on `agent_id` when given.
std::set<std::string> running_tasks(RealCluster& cluster, const std::string& agent_id = "") {
  std::set<std::string> running;
  for (const auto& [id, task] : master_tasks(cluster.mesos(), cluster.stored_framework_id())) {
    if (task.state == "TASK_RUNNING" && (agent_id.empty() || task.agent_id == agent_id))
      running.insert(id);
  }
  return running;
}

// Index of the agent the master says runs `task_id`, or -1.
int agent_running(RealCluster& cluster, const std::string& task_id) {
  const auto tasks = master_tasks(cluster.mesos(), cluster.stored_framework_id());
  const auto found = tasks.find(task_id);
  if (found == tasks.end()) return -1;
  for (int i = 0; i < cluster.mesos().agents(); ++i) {
    if (cluster.mesos().agent_id(i) == found->second.agent_id) return i;
  }
  return -1;
}

// The execution state the database holds for a task id.
std::string stored_state(RealCluster& cluster, const std::string& task_id) {
  const auto rows = cluster.db().exec("SELECT state FROM job_exe WHERE task_id = $1", {task_id});
  return rows.rows() == 1 ? rows.text(0, 0) : "";
}

// Whether a replica's log, past the first `since[i]` characters, shows the leader subscribed
// as `framework_id` and then reconciling tasks explicitly (scheduling_core.cpp's log lines).
bool reconciled_after_resubscribing(RealCluster& cluster, const std::vector<size_t>& since,
                                    const std::string& framework_id) {
  for (int i = 0; i < cluster.replicas().size(); ++i) {
    const std::string log = cluster.replicas().log(i);
    const size_t subscribed =
        log.find("leader: subscribed as framework " + framework_id, since.at(i));
    if (subscribed != std::string::npos &&
        log.find("leader: explicit reconciliation of ", subscribed) != std::string::npos)
      return true;
  }
  return false;
}

using RealMesosFailoverTest = RealClusterTest;

// Two masters elect through ZooKeeper; the replicas find the leader through zk://. The leading
// master is killed while tasks run: the client detects the standby, resubscribes with its
// framework id and reconciles; the running tasks survive and every job completes once.
TEST_F(RealMesosFailoverTest, TheLeadingMasterKilledWhileTasksRun) {
  cluster_ = std::make_unique<RealCluster>(
      RealClusterOptions{.mesos = {.masters = 2, .agents = 2}, .replicas = 2});
  auto& mesos = cluster_->mesos();
  submit_commands(cluster_->replicas(), 12, "sleep 10", 0.5);
  std::set<std::string> survivors;
  ASSERT_TRUE(wait_until([&] { return (survivors = running_tasks(*cluster_)).size() >= 2; }, 120s));
  const std::string framework_id = cluster_->stored_framework_id();
  const auto known_before = master_tasks(mesos, framework_id);
  const int old_master = mesos.leading_master();
  ASSERT_GE(old_master, 0);
  std::vector<size_t> log_sizes;
  for (int i = 0; i < cluster_->replicas().size(); ++i)
    log_sizes.push_back(cluster_->replicas().log(i).size());
  mesos.kill_master(old_master);
  const int new_master = mesos.wait_leading_master(60s);
  ASSERT_GE(new_master, 0);
  EXPECT_NE(new_master, old_master);
  mesos.start_master(old_master);  // back as a standby

  ASSERT_TRUE(cluster_->wait_completed(12, 240s)) << cluster_->completed() << " completed";
  // The tasks still running when the master died were asked about once the leader was back.
  EXPECT_TRUE(reconciled_after_resubscribing(*cluster_, log_sizes, framework_id))
      << "no replica logged an explicit reconciliation after resubscribing (their logs are kept)";
  for (const auto& id : survivors) EXPECT_EQ(stored_state(*cluster_, id), "FINISHED") << id;
  EXPECT_EQ(cluster_->stored_framework_id(), framework_id);
  cluster_->expect_exactly_once(12, RealCluster::Faults::Agents, known_before);
}

// An agent killed and started again with the same work dir recovers its executors: the tasks
// it was running finish there, their updates redelivered and acknowledged, and no job reruns.
// The tasks outlast the restart (an -O0 agent takes seconds to start on a loaded machine): a
// command task that ends while its agent is down loses its terminal update, and the restarted
// agent reports it failed. The agent is killed only once every task is RUNNING: an executor
// that had not registered yet cannot be recovered, so the agent fails its task and the job
// rightly runs again.
TEST_F(RealMesosFailoverTest, AnAgentRestartedRecoversItsTasks) {
  cluster_ =
      std::make_unique<RealCluster>(RealClusterOptions{.mesos = {.agents = 2}, .replicas = 2});
  auto& mesos = cluster_->mesos();
  submit_commands(cluster_->replicas(), 8, "sleep 25", 0.5);
  std::set<std::string> running;
  ASSERT_TRUE(wait_until([&] { return (running = running_tasks(*cluster_)).size() == 8; }, 120s))
      << running.size() << " of 8 running";
  const int agent = agent_running(*cluster_, *running.begin());
  ASSERT_GE(agent, 0);
  const auto on_agent = running_tasks(*cluster_, mesos.agent_id(agent));
  mesos.kill_agent(agent);
  mesos.start_agent(agent);
  ASSERT_TRUE(cluster_->wait_completed(8, 240s)) << cluster_->completed() << " completed";
  for (const auto& id : on_agent) EXPECT_EQ(stored_state(*cluster_, id), "FINISHED") << id;
  EXPECT_EQ(scalar(cluster_->db(), "SELECT count(*) FROM job WHERE num_exes <> 1"), 0)
      << "a recovered task is not run again";
  cluster_->expect_exactly_once(8, RealCluster::Faults::Agents);
}

// An agent lost for good (killed with its tasks, then marked gone by an operator): its tasks
// end TASK_GONE_BY_OPERATOR and their jobs run again on the other agent.
TEST_F(RealMesosFailoverTest, AnAgentMarkedGoneHasItsJobsRetriedElsewhere) {
  cluster_ =
      std::make_unique<RealCluster>(RealClusterOptions{.mesos = {.agents = 2}, .replicas = 2});
  auto& mesos = cluster_->mesos();
  submit_commands(cluster_->replicas(), 12, "sleep 5", 0.5);
  std::set<std::string> running;
  ASSERT_TRUE(wait_until([&] { return !(running = running_tasks(*cluster_)).empty(); }, 120s));
  const int lost_index = agent_running(*cluster_, *running.begin());
  ASSERT_GE(lost_index, 0);
  const std::string lost = mesos.agent_id(lost_index);
  const auto on_lost = running_tasks(*cluster_, lost);
  mesos.kill_agent(lost_index);
  mesos.kill_agent_executors(lost_index);
  const auto gone = mesos.master_post(
      "/api/v1",
      R"({"type":"MARK_AGENT_GONE","mark_agent_gone":{"agent_id":{"value":")" + lost + R"("}}})");
  ASSERT_EQ(gone.status, 200) << gone.body;

  ASSERT_TRUE(cluster_->wait_completed(12, 240s)) << cluster_->completed() << " completed";
  for (const auto& id : on_lost) EXPECT_EQ(stored_state(*cluster_, id), "GONE_BY_OPERATOR") << id;
  // Every job: exactly one FINISHED execution; a job whose execution on the lost agent had not
  // finished ran once more, to completion, on the agent that stayed. That includes tasks still
  // staging there when the snapshot above was taken, so the snapshot is a lower bound.
  const auto rows = cluster_->db().exec(
      "SELECT job_id, count(*) FILTER (WHERE state = 'FINISHED'), count(*),"
      " bool_or(agent_id = $1 AND state <> 'FINISHED'),"
      " bool_or(state = 'FINISHED' AND agent_id <> $1)"
      " FROM job_exe GROUP BY job_id",
      {lost});
  ASSERT_EQ(rows.rows(), 12);
  int retried = 0;
  for (int i = 0; i < rows.rows(); ++i) {
    EXPECT_EQ(rows.integer(i, 1), 1) << "job " << rows.text(i, 0);
    if (!rows.boolean(i, 3)) continue;
    ++retried;
    EXPECT_EQ(rows.integer(i, 2), 2) << "job " << rows.text(i, 0);
    EXPECT_TRUE(rows.boolean(i, 4)) << "job " << rows.text(i, 0) << " not rerun elsewhere";
  }
  EXPECT_GE(retried, static_cast<int>(on_lost.size()));
  for (const auto& [id, task] : master_tasks(mesos, cluster_->stored_framework_id()))
    EXPECT_EQ(task.copies, 1) << id << " launched twice";
}

}  // namespace
}  // namespace scale::test
