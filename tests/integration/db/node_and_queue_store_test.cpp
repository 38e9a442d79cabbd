// Tables node, cluster_resources and task_update, and the queue aggregate, on a real PostgreSQL.
#include <gtest/gtest.h>

#include "db/job_store.h"
#include "db/node_store.h"
#include "db/queue_stats_store.h"
#include "tests/integration/db/db_test_env.h"
#include "tests/integration/db/jobs_test_rows.h"

namespace scale::db {
namespace {

using std::chrono::milliseconds;
using testing::migrated_database;
using testing::next_notification;

TEST(NodeStore, ListsNodesInOrderPaginated) {
  Connection conn(migrated_database());
  EXPECT_EQ(NodeStore::list(conn, 1, 10).count, 0);
  const long long a = testing::add_node(conn, "agent-a", "host-a", 4, 8192);
  testing::add_node(conn, "agent-b", "host-b");
  testing::add_node(conn, "agent-c", "host-c");
  NodePage page = NodeStore::list(conn, 1, 2);
  EXPECT_EQ(page.count, 3);
  ASSERT_EQ(page.nodes.size(), 2u);
  EXPECT_EQ(page.nodes[0].id, a);
  EXPECT_EQ(page.nodes[0].agent_id, "agent-a");
  EXPECT_EQ(page.nodes[0].hostname, "host-a");
  EXPECT_TRUE(page.nodes[0].is_active);
  EXPECT_FALSE(page.nodes[0].is_paused);
  EXPECT_FALSE(page.nodes[0].pause_reason);
  EXPECT_DOUBLE_EQ(page.nodes[0].resources.cpus, 4);
  EXPECT_DOUBLE_EQ(page.nodes[0].resources.mem, 8192);
  page = NodeStore::list(conn, 2, 2);
  ASSERT_EQ(page.nodes.size(), 1u);
  EXPECT_EQ(page.nodes[0].agent_id, "agent-c");
}

TEST(NodeStore, PauseAndResumeNotifyAndResumeClearsTheReason) {
  const std::string db = migrated_database();
  Connection conn(db);
  const long long id = testing::add_node(conn, "agent-a", "host-a");
  Connection listener(db);
  listener.listen("scale_nodes");
  NodePatch pause;
  pause.is_paused = true;
  pause.pause_reason = "disk replacement";
  auto node = NodeStore::patch(conn, id, pause);
  ASSERT_TRUE(node);
  EXPECT_TRUE(node->is_paused);
  EXPECT_EQ(node->pause_reason, "disk replacement");
  auto note = next_notification(listener);
  ASSERT_TRUE(note) << "no NOTIFY on scale_nodes";
  EXPECT_EQ(note->payload, std::to_string(id));

  NodePatch reason_only;
  reason_only.pause_reason = "disk replacement, then firmware";
  node = NodeStore::patch(conn, id, reason_only);
  EXPECT_TRUE(node->is_paused);
  EXPECT_EQ(node->pause_reason, "disk replacement, then firmware");
  // Only pause changes wake the leader.
  EXPECT_TRUE(listener.wait_notifications(milliseconds(200)).empty());

  NodePatch resume;
  resume.is_paused = false;
  node = NodeStore::patch(conn, id, resume);
  EXPECT_FALSE(node->is_paused);
  EXPECT_FALSE(node->pause_reason);
  EXPECT_TRUE(next_notification(listener));
  EXPECT_FALSE(NodeStore::patch(conn, id + 100, resume));
}

TEST(QueueStatsStore, SumsQueuedAndRunningJobsAndReadsTheClusterRow) {
  Connection conn(migrated_database());
  QueuedResources empty = QueueStatsStore::read(conn);
  EXPECT_EQ(empty.queued.count, 0);
  EXPECT_EQ(empty.running.count, 0);
  EXPECT_DOUBLE_EQ(empty.cluster.cpus, 0);
  testing::set_cluster_resources(conn, 16, 65536, 100000, 2);
  NewJob job;
  job.name = "j";
  job.command = "true";
  job.resources = Resources{1, 100, 10, 0};
  JobStore::submit(conn, job);
  JobStore::submit(conn, job);
  job.resources = Resources{2.5, 50, 0, 1};
  const long long running = JobStore::submit(conn, job).id;
  testing::set_status(conn, running, "RUNNING");
  const long long done = JobStore::submit(conn, job).id;
  testing::set_status(conn, done, "COMPLETED");
  QueuedResources totals = QueueStatsStore::read(conn);
  EXPECT_DOUBLE_EQ(totals.cluster.cpus, 16);
  EXPECT_DOUBLE_EQ(totals.cluster.mem, 65536);
  EXPECT_DOUBLE_EQ(totals.cluster.disk, 100000);
  EXPECT_DOUBLE_EQ(totals.cluster.gpus, 2);
  EXPECT_EQ(totals.pending.count, 0);
  EXPECT_EQ(totals.queued.count, 2);
  EXPECT_DOUBLE_EQ(totals.queued.resources.cpus, 2);
  EXPECT_DOUBLE_EQ(totals.queued.resources.mem, 200);
  EXPECT_DOUBLE_EQ(totals.queued.resources.disk, 20);
  EXPECT_EQ(totals.running.count, 1);
  EXPECT_DOUBLE_EQ(totals.running.resources.cpus, 2.5);
  EXPECT_DOUBLE_EQ(totals.running.resources.gpus, 1);
}

TEST(Schema002, TaskUpdatesWithTheSameUuidAreStoredOnce) {
  Connection conn(migrated_database());
  const char* insert =
      "INSERT INTO task_update (task_id, state, uuid, epoch) VALUES ($1, 'RUNNING', $2, 7)"
      " ON CONFLICT DO NOTHING";
  conn.exec(insert, {"scale_job_1_1", "u-1"});
  conn.exec(insert, {"scale_job_1_1", "u-1"});  // redelivered
  conn.exec(insert, {"scale_job_1_1", "u-2"});
  conn.exec(insert, {"scale_job_1_1", std::nullopt});  // reconciliation answers carry no uuid
  conn.exec(insert, {"scale_job_1_1", std::nullopt});
  EXPECT_EQ(conn.exec("SELECT count(*) FROM task_update").integer(0, 0), 4);
}

TEST(Schema002, ClusterResourcesAndNodeRowsAreConstrained) {
  Connection conn(migrated_database());
  EXPECT_THROW(conn.exec("INSERT INTO cluster_resources (id) VALUES (2)"), Error);
  EXPECT_THROW(conn.exec("UPDATE cluster_resources SET cpus = -1"), Error);
  testing::add_node(conn, "agent-a", "host-a");
  EXPECT_THROW(testing::add_node(conn, "agent-a", "again"), Error);
  EXPECT_THROW(testing::add_node(conn, "", "nameless"), Error);
}

}  // namespace
}  // namespace scale::db
