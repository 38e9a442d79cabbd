#pragma once

// A whole Scale cluster on a real Mesos: a RealMesos (master(s) and agents running real command
// tasks) under a LocalCluster (ZooKeeper ensemble, PostgreSQL, N replicas), and the checks and
// figures the real-Mesos suite takes from it.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "db/connection.h"
#include "tests/e2e/real_mesos/master_view.h"
#include "tests/e2e/scheduler/local_cluster.h"
#include "tests/support/real_mesos.h"
#include "tests/support/tcp_proxy.h"

namespace scale::test {

struct RealClusterOptions {
  RealMesosOptions mesos = {};
  int replicas = 3;
  std::vector<std::string> replica_flags = {};
  // Each replica reaches the (single, zk-less) master through its own TcpProxy, which counts
  // what that replica sent.
  bool proxy_each_replica = false;
};

class RealCluster {
 public:
  explicit RealCluster(RealClusterOptions options);
  ~RealCluster();

  RealMesos& mesos() { return *mesos_; }
  LocalCluster& replicas() { return *replicas_; }
  db::Connection& db() { return *db_; }
  TcpProxy& proxy(int replica) { return *proxies_.at(replica); }

  long long completed();
  bool wait_completed(long long jobs, std::chrono::seconds timeout);
  std::string stored_framework_id();
  long long fence_epoch();

  // One leader change forced with `signal` (SIGKILL or SIGTERM): the time from the signal until
  // another replica leads, and until it launched its first task (queued work must be left).
  struct Failover {
    int old_leader = -1;
    int new_leader = -1;
    long long new_leader_ms = -1;
    long long first_launch_ms = -1;
  };
  Failover fail_leader(int signal, std::chrono::seconds timeout = std::chrono::seconds(60));

  // What the faults of a test allow of the master's acknowledgement counters.
  enum class Faults {
    None,     // each reliable update acknowledged exactly once: as many acks as updates
    Leaders,  // a dead leader's unacknowledged updates come again: fewer acks than deliveries
    Agents,   // acks for an agent that was down (or not yet back with a new master) are refused
              // by the master (the agent resends the update later)
  };
  // Every job COMPLETED, each task id once at the master, one Scale framework whose id is the
  // stored one, every terminal update acknowledged (the master holds no task of it), what each
  // agent recorded equal to the database, never more acknowledgements than reliable updates
  // delivered, none refused unless agents failed, and no call of any replica refused.
  // `known_before`: the tasks a master that has since been replaced knew (a new master forgets
  // completed tasks).
  void expect_exactly_once(long long jobs, Faults faults,
                           const std::map<std::string, MasterTask>& known_before = {});
  // After a failure (or always with SCALE_KEEP_LOGS set): the master, agent and replica logs,
  // copied next to the build.
  void keep_logs_if_failed();

 private:
  std::unique_ptr<RealMesos> mesos_;
  std::vector<std::unique_ptr<TcpProxy>> proxies_;
  std::unique_ptr<LocalCluster> replicas_;
  std::unique_ptr<db::Connection> db_;
};

// Submits `count` jobs running `command` with `cpus` each, through the replicas in turn.
void submit_commands(LocalCluster& cluster, int count, const std::string& command,
                     double cpus = 0.25);

// The fixture of the real-Mesos cluster tests: skipped without MESOS_HOME, logs kept on failure.
class RealClusterTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  std::unique_ptr<RealCluster> cluster_;
};

// "REAL-MESOS FIGURE <name>: <value>" on stdout, for the closing note and docs/real-mesos.md.
void report_figure(const std::string& name, const std::string& value);

}  // namespace scale::test
