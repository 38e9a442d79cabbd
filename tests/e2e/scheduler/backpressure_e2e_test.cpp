// Backpressure end to end: a leader bounded to a few launches in flight (launched, no status
// update yet) never has more out at once, holds launching while at the bound, and still runs
// every job exactly once. Two replicas, a real ensemble, PostgreSQL and mesos-sim.
#include <gtest/gtest.h>

#include <string>

#include "db/connection.h"
#include "tests/e2e/scheduler/local_cluster.h"
#include "tests/e2e/scheduler/scheduling_checks.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;

// The value of an unlabelled family in a /metrics text; -1 when absent.
long long metric(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(text.substr(at + name.size() + 2));
}

TEST(BackpressureE2e, LaunchesInFlightStayWithinTheBoundAndEveryJobRunsOnce) {
  constexpr long long kJobs = 40;
  constexpr long long kBound = 4;
  LocalCluster::Options options;
  options.replicas = 2;
  options.mesos = LocalCluster::MesosSim{8, "100-300", 0, 1, {}};
  options.replica_flags = {"--max_launches_in_flight=" + std::to_string(kBound)};
  LocalCluster cluster(options);
  const int leader = cluster.wait_sole_leader(30s);
  ASSERT_GE(leader, 0) << cluster.log(0);
  db::Connection conn(cluster.conninfo());
  submit_jobs(cluster, static_cast<int>(kJobs));

  long long most_in_flight = 0;
  long long samples = 0;
  const bool completed = wait_until(
      [&] {
        const auto text = cluster.get(leader, "/metrics").body;
        const long long in_flight = metric(text, "scale_launches_in_flight");
        if (in_flight >= 0) {
          ++samples;
          most_in_flight = std::max(most_in_flight, in_flight);
        }
        return jobs_in(conn, "COMPLETED") == kJobs;
      },
      90s);
  ASSERT_TRUE(completed) << jobs_in(conn, "COMPLETED") << " of " << kJobs << " completed\n"
                         << cluster.log(leader);
  EXPECT_GT(samples, 0);
  EXPECT_LE(most_in_flight, kBound);
  const auto metrics = cluster.get(leader, "/metrics").body;
  EXPECT_GT(metric(metrics, "scale_launch_holds_total"), 0) << metrics;
  EXPECT_EQ(metric(metrics, "scale_launches_held"), 0) << "nothing left to hold for";
  EXPECT_EQ(metric(metrics, "scale_launches_in_flight"), 0);
  expect_exactly_once(cluster, conn, kJobs, true);
  const auto log = cluster.log(leader);
  EXPECT_NE(log.find("leader: launches held:"), std::string::npos);
  EXPECT_NE(log.find("leader: launches resumed after"), std::string::npos);
}

}  // namespace
}  // namespace scale::test
