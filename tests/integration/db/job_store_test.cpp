// Tables job and job_exe through db::JobStore, on a real PostgreSQL.
#include "db/job_store.h"

#include <gtest/gtest.h>

#include <barrier>
#include <future>
#include <regex>
#include <thread>

#include "db/execution_store.h"
#include "db/fence.h"
#include "tests/integration/db/db_test_env.h"
#include "tests/integration/db/jobs_test_rows.h"

namespace scale::db {
namespace {

using std::chrono::milliseconds;
using testing::migrated_database;
using testing::next_notification;

NewJob sample_job(const std::string& name = "sample") {
  NewJob job;
  job.name = name;
  job.command = "sleep 1";
  job.resources = Resources{1.5, 256, 10, 0};
  return job;
}

TEST(JobStore, SubmitStoresTheJobQueuedWithDefaults) {
  Connection conn(migrated_database());
  const Job job = JobStore::submit(conn, sample_job("first"));
  EXPECT_GT(job.id, 0);
  EXPECT_EQ(job.name, "first");
  EXPECT_EQ(job.command, "sleep 1");
  EXPECT_EQ(job.status, JobStatus::Queued);
  EXPECT_DOUBLE_EQ(job.resources.cpus, 1.5);
  EXPECT_DOUBLE_EQ(job.resources.mem, 256);
  EXPECT_DOUBLE_EQ(job.resources.disk, 10);
  EXPECT_EQ(job.priority, kDefaultJobPriority);
  EXPECT_EQ(job.max_tries, kDefaultMaxTries);
  EXPECT_EQ(job.num_exes, 0);
  EXPECT_FALSE(job.cancel_requested);
  EXPECT_FALSE(job.epoch);  // no leader has touched it
  EXPECT_FALSE(job.started_at);
  EXPECT_FALSE(job.ended_at);
  ASSERT_TRUE(job.queued_at);
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(*job.queued_at, iso)) << *job.queued_at;
  EXPECT_TRUE(std::regex_match(job.created_at, iso)) << job.created_at;
}

TaskSpec full_spec() {
  TaskSpec spec;
  spec.container = Container{ContainerType::Docker,
                             "registry.example/algo:1.2",
                             true,
                             DockerNetwork::Bridge,
                             {{"ulimit", "nofile=8192:8192"}},
                             {{"/data", "/srv/data", VolumeMode::RO}}};
  spec.args = {"--input", "/data/in", ""};
  spec.env = {{"Z_LAST", "z"}, {"A_FIRST", "caf\u00e9 \"quoted\" $HOME"}, {"EMPTY", ""}};
  spec.uris = {{"https://artifacts.example/model.tar.gz", false, true, true},
               {"https://artifacts.example/run.sh", true, false, false}};
  spec.user = "scale";
  spec.labels = {{"team", "imagery"}, {"k", ""}};
  return spec;
}

// jsonb reorders keys and drops whitespace: the spec must read back the same all the same, in the
// job row and in what record_launches hands the leader for the ACCEPT.
TEST(JobStore, TaskSpecRoundTripsThroughPostgresql) {
  Connection conn(migrated_database());
  NewJob job = sample_job();
  job.command.clear();  // the image's entrypoint
  job.task_spec = full_spec();
  job.kill_grace_s = 2.5;
  const Job stored = JobStore::submit(conn, job);
  EXPECT_EQ(stored.task_spec, full_spec());
  const auto detail = JobStore::get(conn, stored.id);
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->job.task_spec, full_spec());
  EXPECT_EQ(detail->job.command, "");

  ASSERT_TRUE(Fence::promote(conn, {3, "r1", "http://r1", ""}));
  const auto launched =
      ExecutionStore::record_launches(conn, 3, {{stored.id, "agent-1", {1, 256, 0, 0}}});
  ASSERT_EQ(launched.size(), 1u);
  std::string error;
  const auto spec = parse_task_spec(launched[0].task_spec, error);
  ASSERT_TRUE(spec) << error << " in " << launched[0].task_spec;
  EXPECT_EQ(*spec, full_spec());
  EXPECT_EQ(launched[0].kill_grace_s, 2.5);
}

TEST(JobStore, TheTableRefusesAJobWithNeitherCommandNorContainer) {
  Connection conn(migrated_database());
  NewJob job = sample_job();
  job.command.clear();
  EXPECT_THROW(JobStore::submit(conn, job), Error);  // db::job_validation_error
  // The migration's rule holds for a row written past the store too.
  EXPECT_THROW(conn.exec("INSERT INTO job (name, command, cpus, mem, disk, gpus) "
                         "VALUES ('n', '', 1, 0, 0, 0)"),
               Error);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM job").integer(0, 0), 0);
}

TEST(JobStore, SubmitNotifiesTheLeaderWithTheJobId) {
  const std::string db = migrated_database();
  Connection conn(db);
  Connection listener(db);
  listener.listen("scale_jobs");
  const Job job = JobStore::submit(conn, sample_job());
  const auto note = next_notification(listener);
  ASSERT_TRUE(note) << "no NOTIFY on scale_jobs";
  EXPECT_EQ(note->payload, std::to_string(job.id));
}

TEST(JobStore, SubmitRefusesInvalidJobsAndTheSchemaBacksItUp) {
  Connection conn(migrated_database());
  NewJob no_resources = sample_job();
  no_resources.resources = Resources{0, 0, 5, 0};
  try {
    JobStore::submit(conn, no_resources);
    FAIL() << "a job without cpus or mem was stored";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "22023");
    EXPECT_NE(std::string(e.what()).find("cpus > 0 or mem > 0"), std::string::npos) << e.what();
  }
  NewJob zero_tries = sample_job();
  zero_tries.max_tries = 0;
  EXPECT_THROW(JobStore::submit(conn, zero_tries), Error);
  // Writers that bypass the store still meet the CHECK constraints.
  auto violates = [&](const std::string& values) {
    try {
      conn.exec("INSERT INTO job (name, command, cpus, mem, max_tries, status) VALUES " + values);
    } catch (const Error& e) {
      return e.sqlstate() == "23514";
    }
    return false;
  };
  EXPECT_TRUE(violates("('a', 'b', 0, 0, 3, 'QUEUED')"));
  EXPECT_TRUE(violates("('a', 'b', -1, 5, 3, 'QUEUED')"));
  EXPECT_TRUE(violates("('a', 'b', 1, 0, 0, 'QUEUED')"));
  EXPECT_TRUE(violates("('a', 'b', 1, 0, 3, 'PENDING')"));
  EXPECT_TRUE(violates("('', 'b', 1, 0, 3, 'QUEUED')"));
  EXPECT_EQ(conn.exec("SELECT count(*) FROM job").integer(0, 0), 0);
}

TEST(JobStore, ListPaginatesNewestFirst) {
  Connection conn(migrated_database());
  std::vector<long long> ids;
  for (int i = 0; i < 25; ++i) ids.push_back(JobStore::submit(conn, sample_job()).id);
  JobListQuery query;
  query.page_size = 10;
  JobPage first = JobStore::list(conn, query);
  EXPECT_EQ(first.count, 25);
  ASSERT_EQ(first.jobs.size(), 10u);
  EXPECT_EQ(first.jobs.front().id, ids.back());
  EXPECT_EQ(first.jobs.back().id, ids[15]);
  query.page = 3;
  JobPage last = JobStore::list(conn, query);
  EXPECT_EQ(last.count, 25);
  ASSERT_EQ(last.jobs.size(), 5u);
  EXPECT_EQ(last.jobs.back().id, ids.front());
  query.page = 4;
  EXPECT_TRUE(JobStore::list(conn, query).jobs.empty());
  query.page = 0;
  EXPECT_THROW(JobStore::list(conn, query), Error);
}

TEST(JobStore, ListFiltersByOneOrSeveralStatuses) {
  Connection conn(migrated_database());
  const long long queued = JobStore::submit(conn, sample_job()).id;
  const long long running = JobStore::submit(conn, sample_job()).id;
  const long long done = JobStore::submit(conn, sample_job()).id;
  testing::set_status(conn, running, "RUNNING");
  testing::set_status(conn, done, "COMPLETED");
  JobListQuery query;
  query.statuses = {"RUNNING"};
  JobPage page = JobStore::list(conn, query);
  ASSERT_EQ(page.count, 1);
  EXPECT_EQ(page.jobs[0].id, running);
  query.statuses = {"QUEUED", "COMPLETED"};
  page = JobStore::list(conn, query);
  ASSERT_EQ(page.count, 2);
  EXPECT_EQ(page.jobs[0].id, done);
  EXPECT_EQ(page.jobs[1].id, queued);
  query.statuses = {"FAILED"};
  EXPECT_EQ(JobStore::list(conn, query).count, 0);
  query.statuses = {"queued"};  // the API upper-cases; the store takes exact names only
  EXPECT_THROW(JobStore::list(conn, query), Error);
}

TEST(JobStore, GetReturnsTheJobWithItsExecutionsInOrder) {
  Connection conn(migrated_database());
  const long long id = JobStore::submit(conn, sample_job()).id;
  testing::add_execution(conn, id, 2, "FAILED");
  testing::add_execution(conn, id, 1, "LOST");
  const auto detail = JobStore::get(conn, id);
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->job.id, id);
  ASSERT_EQ(detail->executions.size(), 2u);
  EXPECT_EQ(detail->executions[0].exe_num, 1);
  EXPECT_EQ(detail->executions[0].state, "LOST");
  EXPECT_EQ(detail->executions[0].task_id, "scale_job_" + std::to_string(id) + "_1");
  EXPECT_EQ(detail->executions[0].agent_id, "agent-1");
  EXPECT_EQ(detail->executions[0].epoch, 7);
  EXPECT_EQ(detail->executions[1].state, "FAILED");
  EXPECT_FALSE(JobStore::get(conn, id + 1000));
}

// What a sandbox link needs: the agent's hostname from its node, and the framework the leader
// registered (absent before the first subscription).
TEST(JobStore, GetNamesTheAgentsHostnameAndTheFramework) {
  Connection conn(migrated_database());
  const long long id = JobStore::submit(conn, sample_job()).id;
  testing::add_execution(conn, id, 1, "RUNNING");
  testing::add_execution(conn, id, 2, "LAUNCHING");
  EXPECT_FALSE(JobStore::get(conn, id)->framework);
  const long long node = testing::add_node(conn, "agent-1", "worker-7.local");
  conn.exec("UPDATE job_exe SET node_id = $1 WHERE job_id = $2 AND exe_num = 1",
            {std::to_string(node), std::to_string(id)});
  conn.exec(
      "INSERT INTO framework (id, framework_id, master, epoch)"
      " VALUES (1, 'fw-1', 'http://127.0.0.1:5050', 7)");
  const auto detail = JobStore::get(conn, id);
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->executions[0].agent_hostname, "worker-7.local");
  EXPECT_FALSE(detail->executions[1].agent_hostname);  // no node known for it
  ASSERT_TRUE(detail->framework);
  EXPECT_EQ(detail->framework->framework_id, "fw-1");
  EXPECT_EQ(detail->framework->master, "http://127.0.0.1:5050");
}

TEST(JobStore, ExecutionRowsKeepDerivedUniqueTaskIds) {
  Connection conn(migrated_database());
  const long long id = JobStore::submit(conn, sample_job()).id;
  testing::add_execution(conn, id, 1, "RUNNING");
  const std::string job = std::to_string(id);
  auto insert = [&](const std::string& exe_num, const std::string& task_id) {
    conn.exec(
        "INSERT INTO job_exe (job_id, exe_num, task_id, agent_id, epoch, launch_epoch)"
        " VALUES ($1, $2, $3, 'a', 1, 1)",
        {job, exe_num, task_id});
  };
  EXPECT_THROW(insert("1", "scale_job_" + job + "_1"), Error);  // launched twice
  EXPECT_THROW(insert("2", "scale_job_" + job + "_9"), Error);  // a made-up task id
  EXPECT_THROW(insert("2", "other"), Error);
  insert("2", "scale_job_" + job + "_2");
  EXPECT_THROW(conn.exec("UPDATE job_exe SET state = 'TASK_RUNNING'"), Error);
}

TEST(JobStore, CancelOfAQueuedJobCancelsItAtOnceAndNotifies) {
  const std::string db = migrated_database();
  Connection conn(db);
  const long long id = JobStore::submit(conn, sample_job()).id;
  Connection listener(db);
  listener.listen("scale_jobs");
  const CancelResult result = JobStore::cancel(conn, id);
  EXPECT_EQ(result.outcome, CancelOutcome::Canceled);
  ASSERT_TRUE(result.job);
  EXPECT_EQ(result.job->status, JobStatus::Canceled);
  EXPECT_TRUE(result.job->ended_at);
  const auto note = next_notification(listener);
  ASSERT_TRUE(note);
  EXPECT_EQ(note->payload, std::to_string(id));
  // A second cancel changes nothing and says why.
  const CancelResult again = JobStore::cancel(conn, id);
  EXPECT_EQ(again.outcome, CancelOutcome::AlreadyFinished);
  EXPECT_EQ(again.job->last_modified, result.job->last_modified);
}

TEST(JobStore, CancelOfARunningJobRequestsAKillOnce) {
  const std::string db = migrated_database();
  Connection conn(db);
  const long long id = JobStore::submit(conn, sample_job()).id;
  testing::set_status(conn, id, "RUNNING");
  Connection listener(db);
  listener.listen("scale_jobs");
  const CancelResult result = JobStore::cancel(conn, id);
  EXPECT_EQ(result.outcome, CancelOutcome::CancelRequested);
  // The leader finishes it on the terminal update.
  EXPECT_EQ(result.job->status, JobStatus::Running);
  EXPECT_TRUE(result.job->cancel_requested);
  EXPECT_FALSE(result.job->ended_at);
  ASSERT_TRUE(next_notification(listener));
  const CancelResult again = JobStore::cancel(conn, id);
  EXPECT_EQ(again.outcome, CancelOutcome::CancelRequested);
  EXPECT_EQ(again.job->last_modified, result.job->last_modified);
  EXPECT_TRUE(listener.wait_notifications(milliseconds(200)).empty()) << "notified twice";
}

TEST(JobStore, CancelOfAFinishedOrUnknownJobChangesNothing) {
  Connection conn(migrated_database());
  for (const char* status : {"COMPLETED", "FAILED", "CANCELED"}) {
    const long long id = JobStore::submit(conn, sample_job()).id;
    testing::set_status(conn, id, status);
    const CancelResult result = JobStore::cancel(conn, id);
    EXPECT_EQ(result.outcome, CancelOutcome::AlreadyFinished) << status;
    EXPECT_STREQ(to_string(result.job->status), status);
    EXPECT_FALSE(result.job->cancel_requested) << status;
  }
  EXPECT_EQ(JobStore::cancel(conn, 999999).outcome, CancelOutcome::NotFound);
}

TEST(JobStore, CancelWaitingBehindAnotherCancelSeesItAndDoesNothing) {
  // Forces the interleaving: the first cancel holds the row (uncommitted) while the second
  // arrives; the second must wait, then find CANCELED instead of canceling again.
  const std::string db = migrated_database();
  Connection first(db);
  const long long id = JobStore::submit(first, sample_job()).id;
  first.exec("BEGIN");
  ASSERT_EQ(JobStore::cancel(first, id).outcome, CancelOutcome::Canceled);
  auto second = std::async(std::launch::async, [&] {
    Connection conn(db);
    return JobStore::cancel(conn, id).outcome;
  });
  Connection observer(db);
  ASSERT_TRUE(scale::test::wait_until(
      [&] {
        return observer.exec("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                   .integer(0, 0) == 1;
      },
      milliseconds(5000)));
  first.exec("COMMIT");
  ASSERT_TRUE(testing::ready_within(second, milliseconds(5000)));
  EXPECT_EQ(second.get(), CancelOutcome::AlreadyFinished);
}

TEST(JobStore, ConcurrentCancelsOfAQueuedJobCancelItExactlyOnce) {
  const std::string db = migrated_database();
  Connection setup(db);
  constexpr int kCallers = 6;
  for (int round = 0; round < 5; ++round) {
    const long long id = JobStore::submit(setup, sample_job()).id;
    std::barrier start(kCallers);
    std::vector<std::future<CancelOutcome>> outcomes;
    std::vector<std::unique_ptr<Connection>> conns;
    for (int i = 0; i < kCallers; ++i) conns.push_back(std::make_unique<Connection>(db));
    for (int i = 0; i < kCallers; ++i) {
      outcomes.push_back(std::async(std::launch::async, [&, i] {
        start.arrive_and_wait();
        return JobStore::cancel(*conns[i], id).outcome;
      }));
    }
    int canceled = 0;
    for (auto& outcome : outcomes) {
      ASSERT_TRUE(testing::ready_within(outcome, milliseconds(10000)));
      const CancelOutcome o = outcome.get();
      canceled += o == CancelOutcome::Canceled;
      EXPECT_TRUE(o == CancelOutcome::Canceled || o == CancelOutcome::AlreadyFinished);
    }
    EXPECT_EQ(canceled, 1) << "round " << round;
  }
}

}  // namespace
}  // namespace scale::db
