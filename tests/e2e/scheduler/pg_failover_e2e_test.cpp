// PostgreSQL is no single point of failure: the primary crashes, its synchronous standby is
// promoted, and the replicas (given a two-host conninfo with target_session_attrs=read-write)
// find the new primary on their own. The leader keeps or regains its term and carries on: every
// job runs once, no row of an old term is written after a newer one began, and the times from
// the promotion to the first commit and the first launch are printed. And the REST API may read
// from the hot standby (--db_read) without ever serving what is older than the status limit.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>

#include "db/connection.h"
#include "db/epoch_audit.h"
#include "tests/e2e/scheduler/local_cluster.h"
#include "tests/e2e/scheduler/scheduling_checks.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

long long ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

TEST(PostgresFailoverE2e, APromotedStandbyTakesOverAndEveryJobRunsOnce) {
  LocalCluster::Options options;
  options.replicas = 2;
  options.mesos = LocalCluster::MesosSim{4, "200-500", 0, 1, {}};
  options.pg_standby = true;
  LocalCluster cluster(options);
  ASSERT_GE(cluster.wait_sole_leader(30s), 0);
  {
    db::Connection conn(cluster.conninfo());
    submit_jobs(cluster, 10);
    ASSERT_TRUE(wait_completed(conn, 10, 60s)) << jobs_in(conn, "COMPLETED") << " completed";
  }
  const size_t launched_before = journal(cluster).size();

  cluster.postgres().crash();
  cluster.pg_standby()->promote();
  const auto promoted = Clock::now();
  const long long promoted_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  // Intents are taken again as soon as a replica's pool reaches the new primary.
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(wait_until(
        [&] { return submit_one(cluster, i % cluster.size(), "after-" + std::to_string(i)) > 0; },
        20s))
        << cluster.log(0) << cluster.log(1);
  }
  std::optional<Clock::time_point> first_launch;
  ASSERT_TRUE(wait_until(
      [&] {
        if (!first_launch && journal(cluster).size() > launched_before) first_launch = Clock::now();
        return first_launch.has_value();
      },
      30s));
  db::Connection conn(cluster.conninfo());
  ASSERT_TRUE(wait_completed(conn, 20, 90s)) << jobs_in(conn, "COMPLETED") << " completed\n"
                                             << cluster.log(*cluster.sole_leader());
  // The leader's first commit on the new primary: its first task update or launch row.
  const long long first_commit_ms =
      conn.exec(
              "SELECT (extract(epoch FROM least("
              "(SELECT min(received_at) FROM task_update WHERE received_at > to_timestamp($1)),"
              "(SELECT min(launched_at) FROM job_exe WHERE launched_at > to_timestamp($1))"
              ")) * 1000)::bigint",
              {std::to_string(static_cast<double>(promoted_ms) / 1000.0)})
          .integer(0, 0);
  std::cout << "promotion -> the leader's first commit on the new primary: "
            << first_commit_ms - promoted_ms
            << " ms; -> first launch: " << ms_between(promoted, *first_launch) << " ms\n";
  ASSERT_GE(cluster.wait_sole_leader(30s), 0);
  expect_exactly_once(cluster, conn, 20, false);
  EXPECT_TRUE(db::EpochAudit::stale_writes(conn).empty());
}

long long count_of(const HttpResult& page) {
  const auto at = page.body.find("\"count\":");
  return at == std::string::npos ? -1 : std::stoll(page.body.substr(at + 8));
}

// Every replica reads the standby; while its replay is paused, a follower's reads turn to 503
// once it is further behind than the status limit (12 s), a job it has not replayed is still
// found (on the primary), and the leader's writes go on. Resumed, the follower serves again.
TEST(PostgresStandbyReadsE2e, FollowersReadTheStandbyAndRefuseOnceItFallsTooFarBehind) {
  LocalCluster::Options options;
  options.replicas = 2;
  options.mesos = LocalCluster::MesosSim{2, "50-100", 0, 1, {}};
  options.pg_standby = true;
  options.db_read_standby = true;
  LocalCluster cluster(options);
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0);
  const int follower = 1 - leader;
  db::Connection primary(cluster.conninfo());
  submit_jobs(cluster, 5);
  ASSERT_TRUE(wait_completed(primary, 5, 60s));
  ASSERT_TRUE(wait_until(
      [&] { return count_of(cluster.get(follower, "/v6/jobs/?status=COMPLETED")) == 5; }, 10s));
  db::Connection standby(cluster.pg_standby()->conninfo());
  EXPECT_GT(standby
                .exec("SELECT count(*) FROM pg_stat_activity WHERE datname = 'scale' AND "
                      "application_name = 'scale-scheduler'")
                .integer(0, 0),
            0);
  EXPECT_NE(cluster.log(follower).find("api cache: reading a hot standby"), std::string::npos);

  standby.exec("SELECT pg_wal_replay_pause()");
  const long long job = submit_one(cluster, follower, "while-paused");
  ASSERT_GT(job, 0);
  EXPECT_EQ(cluster.get(follower, "/v6/jobs/" + std::to_string(job) + "/").status, 200);
  const auto paused = Clock::now();
  ASSERT_TRUE(wait_until([&] { return cluster.get(follower, "/v6/status/").status == 503; }, 30s))
      << cluster.get(follower, "/v6/status/").body;
  const auto refused_after = ms_between(paused, Clock::now());
  EXPECT_GE(refused_after, 10000) << "refused before the standby could be 12 s behind";
  EXPECT_NE(cluster.get(follower, "/v6/status/").body.find("behind the primary"),
            std::string::npos);
  EXPECT_TRUE(wait_until([&] { return cluster.get(follower, "/v6/jobs/").status == 503; }, 5s));
  EXPECT_NE(cluster.get(follower, "/v6/jobs/").body.find("behind the primary"), std::string::npos);
  EXPECT_TRUE(wait_completed(primary, 6, 30s)) << "the leader's writes stopped";

  standby.exec("SELECT pg_wal_replay_resume()");
  const auto resumed = Clock::now();
  ASSERT_TRUE(wait_until([&] { return cluster.get(follower, "/v6/status/").status == 200; }, 10s));
  EXPECT_EQ(count_of(cluster.get(follower, "/v6/jobs/?status=COMPLETED")), 6);
  std::cout << "standby replay paused -> follower refuses reads: " << refused_after
            << " ms; resumed -> serves again: " << ms_between(resumed, Clock::now()) << " ms\n";
}

}  // namespace
}  // namespace scale::test
