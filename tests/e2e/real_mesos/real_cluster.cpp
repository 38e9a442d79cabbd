#include "tests/e2e/real_mesos/real_cluster.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "tests/e2e/scheduler/scheduling_checks.h"
#include "tests/support/real_mesos_gtest.h"

namespace scale::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

LocalCluster::Options replica_options(const RealClusterOptions& options, const RealMesos& mesos,
                                      const std::vector<std::unique_ptr<TcpProxy>>& proxies) {
  LocalCluster::Options out;
  out.replicas = options.replicas;
  // Real executors load the two cores: a longer session keeps a busy leader from losing it.
  out.session_timeout = 4000ms;
  out.replica_flags = options.replica_flags;
  if (proxies.empty()) out.mesos_masters = {mesos.master_spec()};
  for (const auto& proxy : proxies) out.mesos_masters.push_back("http://" + proxy->address());
  return out;
}

}  // namespace

void submit_commands(LocalCluster& cluster, int count, const std::string& command, double cpus) {
  for (int i = 0; i < count; ++i) {
    const std::string body = R"({"name":"real-)" + std::to_string(i) + R"(","command":")" +
                             command + R"(","resources":{"cpus":)" + std::to_string(cpus) +
                             R"(,"mem":32},"max_tries":3})";
    const auto answer = cluster.call(i % cluster.size(), "POST", "/v6/jobs/", body);
    ASSERT_TRUE(answer.status == 200 || answer.status == 201) << answer.status << answer.body;
  }
}

void RealClusterTest::SetUp() {
  SCALE_REQUIRE_REAL_MESOS();
}

void RealClusterTest::TearDown() {
  if (cluster_) cluster_->keep_logs_if_failed();
}

void report_figure(const std::string& name, const std::string& value) {
  std::cout << "REAL-MESOS FIGURE " << name << ": " << value << std::endl;
}

RealCluster::RealCluster(RealClusterOptions options)
    : mesos_(std::make_unique<RealMesos>(options.mesos)) {
  if (options.proxy_each_replica) {
    for (int i = 0; i < options.replicas; ++i)
      proxies_.push_back(std::make_unique<TcpProxy>(mesos_->master_port(0)));
  }
  replicas_ = std::make_unique<LocalCluster>(replica_options(options, *mesos_, proxies_));
  db_ = std::make_unique<db::Connection>(replicas_->conninfo());
}

RealCluster::~RealCluster() = default;

long long RealCluster::completed() {
  return jobs_in(*db_, "COMPLETED");
}

bool RealCluster::wait_completed(long long jobs, std::chrono::seconds timeout) {
  return wait_until([&] { return completed() >= jobs; }, timeout);
}

std::string RealCluster::stored_framework_id() {
  const auto rows = db_->exec("SELECT framework_id FROM framework WHERE id = 1");
  return rows.rows() == 1 ? rows.text(0, 0) : "";
}

long long RealCluster::fence_epoch() {
  return scalar(*db_, "SELECT epoch FROM leadership WHERE id = 1");
}

RealCluster::Failover RealCluster::fail_leader(int signal, std::chrono::seconds timeout) {
  Failover f;
  f.old_leader = replicas_->wait_sole_leader(timeout);
  if (f.old_leader < 0) return f;
  const long long old_epoch = fence_epoch();
  const auto start = Clock::now();
  replicas_->process(f.old_leader).signal(signal);
  long long new_epoch = -1;
  wait_until(
      [&] {
        for (int i = 0; i < replicas_->size(); ++i) {
          if (i != f.old_leader && replicas_->get(i, "/leaderhealth").status == 200) {
            f.new_leader = i;
            return true;
          }
        }
        return false;
      },
      timeout);
  if (f.new_leader < 0) return f;
  f.new_leader_ms = ms_since(start);
  wait_until([&] { return (new_epoch = fence_epoch()) > old_epoch; }, timeout);
  const std::string launched =
      "SELECT count(*) FROM job_exe WHERE launch_epoch = " + std::to_string(new_epoch);
  if (wait_until([&] { return scalar(*db_, launched) > 0; }, timeout))
    f.first_launch_ms = ms_since(start);
  return f;
}

void RealCluster::expect_exactly_once(long long jobs, Faults faults,
                                      const std::map<std::string, MasterTask>& known_before) {
  const std::string framework_id = stored_framework_id();
  ASSERT_FALSE(framework_id.empty());
  // A task both masters know (it ran across the failover) was launched once.
  std::map<std::string, int> copies;
  for (const auto& [id, task] : known_before) copies[id] = task.copies;
  for (const auto& [id, task] : master_tasks(*mesos_, framework_id))
    copies[id] = std::max(copies[id], task.copies);
  std::vector<std::string> launched;
  for (const auto& [id, count] : copies) {
    for (int i = 0; i < count; ++i) launched.push_back(id);
  }
  expect_launched_once(launched, *db_, jobs, false);
  auto scale_frameworks = [&] {
    std::vector<MasterFramework> out;
    for (const auto& f : master_frameworks(*mesos_))
      if (f.name == "Scale") out.push_back(f);
    return out;
  };
  // Acknowledgements follow the commits; the last ones may still be on their way.
  EXPECT_TRUE(wait_until(
      [&] {
        const auto frameworks = scale_frameworks();
        return frameworks.size() == 1 && frameworks[0].active_tasks == 0;
      },
      60s))
      << "every terminal update acknowledged";
  const auto frameworks = scale_frameworks();
  ASSERT_EQ(frameworks.size(), 1u) << "one framework";
  EXPECT_EQ(frameworks[0].id, framework_id) << "its id kept";
  EXPECT_FALSE(frameworks[0].completed);
  // What each agent last recorded for a task is what the database holds.
  for (int agent = 0; agent < mesos_->agents(); ++agent) {
    for (const auto& [task_id, state] : agent_tasks(*mesos_, agent, framework_id)) {
      const auto rows = db_->exec("SELECT state FROM job_exe WHERE task_id = $1", {task_id});
      ASSERT_EQ(rows.rows(), 1) << task_id << " unknown to the database";
      EXPECT_EQ("TASK_" + rows.text(0, 0), state) << task_id << " on agent " << agent;
    }
  }
  const auto m = master_metrics(*mesos_);
  EXPECT_LE(m.acknowledgements, m.valid_updates);
  if (faults != Faults::Agents) {
    EXPECT_EQ(m.invalid_acknowledgements, 0);
  }
  if (faults == Faults::None) {
    EXPECT_EQ(m.acknowledgements, m.valid_updates);
  }
  // Nothing the replicas sent was refused by the master (a stale stream id, a bad call); a call
  // that got no answer (a master killed meanwhile) is not a refusal.
  for (int i = 0; i < replicas_->size(); ++i) {
    EXPECT_EQ(replicas_->log(i).find("Mesos rejected"), std::string::npos)
        << replicas_->replica_id(i) << " had a call refused:\n"
        << replicas_->log(i);
  }
  report_figure("reliable updates delivered / acknowledged",
                std::to_string(m.valid_updates) + " / " + std::to_string(m.acknowledgements));
}

void RealCluster::keep_logs_if_failed() {
  if (!::testing::Test::HasFailure() && std::getenv("SCALE_KEEP_LOGS") == nullptr) return;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name =
      info ? std::string(info->test_suite_name()) + "." + info->name() : "real-cluster";
  const auto dir = mesos_->keep_logs(name);
  for (int i = 0; i < replicas_->size(); ++i)
    std::ofstream(dir / (replicas_->replica_id(i) + ".log")) << replicas_->log(i);
  std::cerr << "real Mesos and replica logs kept in " << dir.string() << "\n";
}

}  // namespace scale::test
