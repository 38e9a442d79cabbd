#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/http_test_client.h"
#include "tests/support/servers.h"

namespace scale::test {

// A whole cluster of real processes for e2e tests: a 3-node ZooKeeper ensemble, PostgreSQL and
// N scale-scheduler replicas, all on free loopback ports, all stopped when this goes away.
class LocalCluster {
 public:
  // The Mesos master emulator (tools/mesos-sim) the replicas schedule on.
  struct MesosSim {
    int agents = 4;
    std::string task_ms = "200-500";
    double fail_ratio = 0;
    double heartbeat_interval_s = 1;
    std::vector<std::string> flags = {};  // more of its flags, e.g. --bad_images=...
  };

  struct Options {
    int replicas = 3;
    std::chrono::milliseconds session_timeout{2000};
    std::chrono::milliseconds status_interval{500};
    std::optional<MesosSim> mesos;  // none: replicas run without --mesos_master
    // A master started elsewhere (a real Mesos), instead of `mesos`: replica i gets
    // --mesos_master=mesos_masters[i % size] (one entry for all, or one each, e.g. each through
    // its own proxy).
    std::vector<std::string> mesos_masters;
    std::vector<std::string> replica_flags;  // added to every replica's command line
    // A synchronous streaming standby beside PostgreSQL; the replicas (and conninfo()) then name
    // both servers and connect to whichever accepts writes.
    bool pg_standby = false;
    // With pg_standby: the replicas' REST APIs read from the standby (--db_read).
    bool db_read_standby = false;
  };

  explicit LocalCluster(Options options);
  ~LocalCluster();

  const Options& options() const { return options_; }
  int size() const { return static_cast<int>(replicas_.size()); }
  uint16_t port(int index) const { return replicas_.at(index).port; }
  // One request to replica `index`; status 0 when nothing answered within 2 s. Never throws.
  HttpResult call(int index, const std::string& method, const std::string& path,
                  const std::optional<std::string>& body = std::nullopt) const;
  HttpResult get(int index, const std::string& path) const { return call(index, "GET", path); }
  std::string replica_id(int index) const { return "replica-" + std::to_string(index + 1); }
  std::optional<int> index_of(const std::string& replica_id) const;
  ChildProcess& process(int index) { return *replicas_.at(index).process; }
  std::string log(int index) const;

  void start(int index);  // (re)starts replica `index`
  const std::string& conninfo() const { return conninfo_; }
  // One request to the emulator; status 0 when nothing answered. Never throws.
  HttpResult sim_call(const std::string& method, const std::string& path,
                      const std::optional<std::string>& body = std::nullopt) const;
  std::string sim_log() const;
  // The emulator gone (SIGKILL: a master crash that loses its state) and back on the same port.
  void kill_mesos();
  void start_mesos();
  ZooKeeperEnsemble& zookeeper() { return zk_; }
  PostgresServer& postgres() { return pg_; }
  PostgresStandby* pg_standby() { return standby_.get(); }  // null without Options::pg_standby
  // Index of the replica whose /leaderhealth answers 200 — only if exactly one does.
  std::optional<int> sole_leader() const;
  // Waits for sole_leader(); -1 on timeout.
  int wait_sole_leader(std::chrono::milliseconds timeout) const;

 private:
  struct Replica {
    uint16_t port = 0;
    std::filesystem::path log;
    std::unique_ptr<ChildProcess> process;
  };

  Options options_;
  TempDir dir_;
  ZooKeeperEnsemble zk_;
  PostgresServer pg_;
  std::unique_ptr<PostgresStandby> standby_;
  std::string conninfo_;
  uint16_t sim_port_ = 0;
  std::unique_ptr<ChildProcess> sim_;
  std::vector<Replica> replicas_;
};

}  // namespace scale::test
