// Bulk actions (db::JobActionStore), retention (db::JobRetention) and priority changes
// (JobStore::set_priority) on a real PostgreSQL: the batch SQL the leader runs.
#include <gtest/gtest.h>

#include "db/error.h"
#include "db/fence.h"
#include "db/job_action_store.h"
#include "db/job_retention.h"
#include "db/job_store.h"
#include "tests/integration/db/db_test_env.h"
#include "tests/integration/db/jobs_test_rows.h"

namespace scale::db {
namespace {

constexpr long long kEpoch = 11;

class JobActions : public ::testing::Test {
 protected:
  JobActions() : db(testing::migrated_database()), conn(db) {
    EXPECT_TRUE(Fence::promote(conn, {kEpoch, "leader", "http://leader", ""}));
  }

  long long submit(int max_tries = 2, const std::string& name = "job") {
    NewJob job;
    job.name = name;
    job.command = "true";
    job.resources = Resources{1, 128, 0, 0};
    job.max_tries = max_tries;
    return JobStore::submit(conn, job).id;
  }
  Job job(long long id) { return JobStore::get(conn, id)->job; }
  long long request(BulkKind kind, BulkFilters filters, std::optional<int> priority = {}) {
    return JobActionStore::request(conn, {kind, std::move(filters), priority});
  }
  // Runs batches until the action is done; returns how many it took.
  int run_all(int limit) {
    int batches = 0;
    while (auto batch = JobActionStore::run_batch(conn, kEpoch, limit)) ++batches;
    return batches;
  }
  long long count(const std::string& sql) { return conn.exec(sql).integer(0, 0); }

  const std::string db;
  Connection conn;
};

TEST_F(JobActions, RequestStoresTheFiltersAndNotifiesTheLeader) {
  Connection listener(db);
  listener.listen("scale_job_actions");
  const long long id = request(
      BulkKind::Requeue,
      {std::vector<long long>{3, 4}, "FAILED", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00+01:00"},
      5);
  const auto note = testing::next_notification(listener);
  ASSERT_TRUE(note) << "no NOTIFY on scale_job_actions";
  EXPECT_EQ(note->payload, std::to_string(id));
  Result row = conn.exec(
      "SELECT kind, job_ids::text, status, started = '2026-01-01T00:00:00Z',"
      " ended = '2026-01-31T23:00:00Z', priority, done_at IS NULL FROM job_bulk_action");
  EXPECT_EQ(row.text(0, 0), "REQUEUE");
  EXPECT_EQ(row.text(0, 1), "{3,4}");
  EXPECT_EQ(row.text(0, 2), "FAILED");
  EXPECT_TRUE(row.boolean(0, 3));
  EXPECT_TRUE(row.boolean(0, 4));
  EXPECT_EQ(row.integer(0, 5), 5);
  EXPECT_TRUE(row.boolean(0, 6));
  EXPECT_EQ(JobActionStore::pending(conn), std::vector<long long>{id});
}

TEST_F(JobActions, RequestRefusesEmptyFiltersAndTheSchemaBacksItUp) {
  try {
    request(BulkKind::Cancel, {});
    FAIL() << "a bulk action without filters was stored";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "22023");
  }
  EXPECT_THROW(request(BulkKind::Cancel, {std::vector<long long>{1}, {}, {}, {}}, 3), Error);
  EXPECT_THROW(conn.exec("INSERT INTO job_bulk_action (kind) VALUES ('CANCEL')"), Error);
  EXPECT_EQ(count("SELECT count(*) FROM job_bulk_action"), 0);
}

TEST_F(JobActions, CancelInBatchesCancelsQueuedAndRequestsKillsOfRunningJobs) {
  std::vector<long long> queued;
  for (int i = 0; i < 5; ++i) queued.push_back(submit());
  const long long running = submit();
  testing::set_status(conn, running, "RUNNING");
  const long long completed = submit();
  testing::set_status(conn, completed, "COMPLETED");
  const long long action = request(BulkKind::Cancel, {{}, {}, "2000-01-01T00:00:00Z", {}});
  const long long later = submit();  // after the request: not part of it

  auto first = JobActionStore::run_batch(conn, kEpoch, 2);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->action_id, action);
  EXPECT_EQ(first->canceled, (std::vector<long long>{queued[0], queued[1]}));
  EXPECT_FALSE(first->done);
  EXPECT_EQ(run_all(2), 3);  // two more batches of two (the running job among them), then done
  for (long long id : queued) EXPECT_EQ(job(id).status, JobStatus::Canceled) << id;
  EXPECT_EQ(job(queued[4]).epoch, kEpoch);
  EXPECT_TRUE(job(queued[4]).ended_at);
  EXPECT_EQ(job(running).status, JobStatus::Running);
  EXPECT_TRUE(job(running).cancel_requested);
  EXPECT_EQ(job(completed).status, JobStatus::Completed);
  EXPECT_FALSE(job(completed).cancel_requested);
  EXPECT_EQ(job(later).status, JobStatus::Queued);
  Result counts = conn.exec(
      "SELECT jobs_canceled, jobs_kill_requested, jobs_requeued, done_at IS NOT NULL, epoch"
      " FROM job_bulk_action");
  EXPECT_EQ(counts.integer(0, 0), 5);
  EXPECT_EQ(counts.integer(0, 1), 1);
  EXPECT_EQ(counts.integer(0, 2), 0);
  EXPECT_TRUE(counts.boolean(0, 3));
  EXPECT_EQ(counts.integer(0, 4), kEpoch);
  EXPECT_FALSE(JobActionStore::run_batch(conn, kEpoch, 2));
  EXPECT_TRUE(JobActionStore::pending(conn).empty());
}

TEST_F(JobActions, CancelFiltersByIdsAndStatus) {
  const long long a = submit(), b = submit(), c = submit();
  testing::set_status(conn, b, "RUNNING");
  request(BulkKind::Cancel, {std::vector<long long>{a, b}, "RUNNING", {}, {}});
  run_all(500);
  EXPECT_EQ(job(a).status, JobStatus::Queued);
  EXPECT_TRUE(job(b).cancel_requested);
  EXPECT_EQ(job(c).status, JobStatus::Queued);
}

TEST_F(JobActions, TimeRangeBoundsTheJobsLastModification) {
  const long long old_job = submit(), recent = submit(), future = submit();
  conn.exec("UPDATE job SET last_modified = '2026-01-01T00:00:00Z' WHERE id = $1",
            {std::to_string(old_job)});
  conn.exec("UPDATE job SET last_modified = now() + interval '1 day' WHERE id = $1",
            {std::to_string(future)});
  request(BulkKind::Cancel, {{}, {}, "2026-06-01T00:00:00Z", "2099-01-01T00:00:00Z"});
  conn.exec("UPDATE job_bulk_action SET ended = now() + interval '1 hour'");
  run_all(500);
  EXPECT_EQ(job(old_job).status, JobStatus::Queued);
  EXPECT_EQ(job(recent).status, JobStatus::Canceled);
  EXPECT_EQ(job(future).status, JobStatus::Queued);
}

TEST_F(JobActions, RequeueGrantsAnotherSetOfTriesAndClearsTheError) {
  const long long failed = submit(2), canceled = submit(3), completed = submit();
  testing::set_status(conn, failed, "FAILED");
  conn.exec("UPDATE job SET num_exes = 2, error = 'exit 1' WHERE id = $1",
            {std::to_string(failed)});
  testing::set_status(conn, canceled, "CANCELED");
  conn.exec("UPDATE job SET cancel_requested = true WHERE id = $1", {std::to_string(canceled)});
  testing::set_status(conn, completed, "COMPLETED");
  request(BulkKind::Requeue, {std::vector<long long>{failed, canceled, completed}, {}, {}, {}}, 7);
  auto batch = JobActionStore::run_batch(conn, kEpoch, 500);
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->requeued, (std::vector<long long>{failed, canceled}));
  EXPECT_TRUE(batch->done);
  const Job f = job(failed);
  EXPECT_EQ(f.status, JobStatus::Queued);
  EXPECT_EQ(f.num_exes, 2);
  EXPECT_EQ(f.max_tries, 4);  // 2 executions so far + a set of 2
  EXPECT_EQ(f.priority, 7);
  EXPECT_FALSE(f.error);
  EXPECT_FALSE(f.ended_at);
  EXPECT_FALSE(f.cancel_requested);
  EXPECT_EQ(f.epoch, kEpoch);
  EXPECT_FALSE(job(canceled).cancel_requested);
  EXPECT_EQ(job(canceled).max_tries, 3);
  EXPECT_EQ(job(completed).status, JobStatus::Completed);

  // It fails again (a third execution): a second requeue adds the submitted set, not max_tries.
  testing::set_status(conn, failed, "FAILED");
  conn.exec("UPDATE job SET num_exes = 3 WHERE id = $1", {std::to_string(failed)});
  request(BulkKind::Requeue, {std::vector<long long>{failed}, {}, {}, {}});
  run_all(500);
  EXPECT_EQ(job(failed).max_tries, 5);
  EXPECT_EQ(job(failed).priority, 7);  // no priority given: kept
}

TEST_F(JobActions, RequeueTakesOnlyJobsThatEndedBeforeTheRequest) {
  const long long before = submit(), after = submit();
  testing::set_status(conn, before, "FAILED");
  request(BulkKind::Requeue, {{}, "FAILED", {}, {}});
  conn.exec("UPDATE job_bulk_action SET requested_at = now() - interval '1 second'");
  conn.exec("UPDATE job SET ended_at = now() - interval '1 minute' WHERE id = $1",
            {std::to_string(before)});
  testing::set_status(conn, after, "FAILED");
  run_all(500);
  EXPECT_EQ(job(before).status, JobStatus::Queued);
  EXPECT_EQ(job(after).status, JobStatus::Failed);
}

TEST_F(JobActions, BatchesAreFencedByTheEpoch) {
  const long long id = submit();
  request(BulkKind::Cancel, {std::vector<long long>{id}, {}, {}, {}});
  ASSERT_TRUE(Fence::promote(conn, {kEpoch + 1, "next", "http://next", ""}));
  EXPECT_THROW(JobActionStore::run_batch(conn, kEpoch, 500), FencedOut);
  EXPECT_THROW(JobRetention::delete_finished(conn, kEpoch, 1, 10), FencedOut);
  EXPECT_EQ(job(id).status, JobStatus::Queued);
  EXPECT_EQ(JobActionStore::pending(conn).size(), 1u);
}

// The 202 survives a failover: the next term finishes what the deposed one started.
TEST_F(JobActions, ANewTermFinishesAnActionTheOldOneLeftHalfDone) {
  std::vector<long long> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(submit());
  request(BulkKind::Cancel, {ids, {}, {}, {}});
  ASSERT_TRUE(JobActionStore::run_batch(conn, kEpoch, 2));
  ASSERT_TRUE(Fence::promote(conn, {kEpoch + 1, "next", "http://next", ""}));
  EXPECT_THROW(JobActionStore::run_batch(conn, kEpoch, 2), FencedOut);
  while (JobActionStore::run_batch(conn, kEpoch + 1, 2)) {
  }
  for (long long id : ids) EXPECT_EQ(job(id).status, JobStatus::Canceled) << id;
  EXPECT_EQ(count("SELECT count(*) FROM job WHERE epoch = " + std::to_string(kEpoch + 1)), 3);
  EXPECT_EQ(count("SELECT jobs_canceled FROM job_bulk_action WHERE done_at IS NOT NULL"), 5);
}

TEST_F(JobActions, RetentionDeletesOnlyOldFinishedJobsWithTheirExecutionsAndUpdates) {
  std::vector<long long> old_finished;
  for (const char* status : {"COMPLETED", "FAILED", "CANCELED"}) {
    const long long id = submit();
    testing::set_status(conn, id, status);
    testing::add_execution(conn, id, 1, "FINISHED");
    const std::string task = "scale_job_" + std::to_string(id) + "_1";
    for (const char* state : {"RUNNING", "FINISHED"}) {
      conn.exec("INSERT INTO task_update (task_id, state, epoch) VALUES ($1, $2, 7)",
                {task, state});
    }
    old_finished.push_back(id);
  }
  const long long young = submit();
  testing::set_status(conn, young, "COMPLETED");
  testing::add_execution(conn, young, 1, "FINISHED");
  conn.exec("INSERT INTO task_update (task_id, state, epoch) VALUES ($1, 'FINISHED', 7)",
            {"scale_job_" + std::to_string(young) + "_1"});
  const long long running = submit();  // non-terminal, even with an (odd) old ended_at
  testing::set_status(conn, running, "RUNNING");
  testing::add_execution(conn, running, 1, "RUNNING");
  const long long queued = submit();
  conn.exec("UPDATE job SET ended_at = now() - interval '40 days' WHERE id <> $1",
            {std::to_string(young)});

  EXPECT_EQ(JobRetention::delete_finished(conn, kEpoch, 30, 2), 2);  // the batch limit
  EXPECT_EQ(JobRetention::delete_finished(conn, kEpoch, 30, 2), 1);
  EXPECT_EQ(JobRetention::delete_finished(conn, kEpoch, 30, 2), 0);
  for (long long id : old_finished) EXPECT_FALSE(JobStore::get(conn, id)) << id;
  EXPECT_TRUE(JobStore::get(conn, young));
  EXPECT_TRUE(JobStore::get(conn, running));
  EXPECT_TRUE(JobStore::get(conn, queued));
  EXPECT_EQ(count("SELECT count(*) FROM job_exe"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM task_update"), 1);
}

TEST_F(JobActions, PriorityChangesOnlyAQueuedJobAndNotifiesTheLeader) {
  const long long queued = submit(), running = submit();
  testing::set_status(conn, running, "RUNNING");
  Connection listener(db);
  listener.listen("scale_jobs");
  const auto changed = JobStore::set_priority(conn, queued, 3);
  EXPECT_EQ(changed.outcome, PriorityOutcome::Changed);
  EXPECT_EQ(changed.job->priority, 3);
  const auto note = testing::next_notification(listener);
  ASSERT_TRUE(note) << "no NOTIFY on scale_jobs";
  EXPECT_EQ(note->payload, std::to_string(queued));
  const auto refused = JobStore::set_priority(conn, running, 3);
  EXPECT_EQ(refused.outcome, PriorityOutcome::NotQueued);
  EXPECT_EQ(refused.job->priority, kDefaultJobPriority);
  EXPECT_EQ(JobStore::set_priority(conn, 999999, 3).outcome, PriorityOutcome::NotFound);
}

}  // namespace
}  // namespace scale::db
