#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster.h"
#include "http.h"
#include "options.h"
#include "watch.h"

// Injects one fault at a time, undoes it, and waits until the cluster settled: a leader known
// (confirmed by its own /v6/leader/), a status document written after the fault, the leader's
// first launch after the fault, every replica answering again and the ZooKeeper ensemble serving.
namespace scale::drill {

struct FaultRecord {
  int number = 0;
  FaultKind kind = FaultKind::Kill;
  std::string target;      // what was hit: replica-2, zk-3, agent id, ...
  double injected_at = 0;  // wall seconds
  // Times are measured from here: the injection, or for zk-quorum and pg-restart the moment the
  // service was back (nothing can be elected or written before that).
  double measured_from = 0;
  std::optional<double> leader_ms;  // a replica answered /leaderhealth 200 (new or the same)
  std::optional<double> status_ms;  // the first status document written after measured_from
  std::optional<double> launch_ms;  // the first launch the emulator journaled after measured_from
  std::optional<double> rejoin_ms;  // the victim replica back as follower after its restore
  std::string leader_before, leader_after;
  long long epoch_before = 0, epoch_after = 0;
  bool settled = false;
  std::string note;  // why it did not settle, or what else happened
};

class FaultRunner {
 public:
  FaultRunner(const Cluster& cluster, const Options& options, Violations& violations,
              const std::vector<std::unique_ptr<ReplicaWatch>>& replicas, SimWatch& sim,
              const std::atomic<bool>& interrupted);

  // Waits until a leader is confirmed; "" when one is, else why not.
  std::string wait_for_leader();
  FaultRecord run(int number, FaultKind kind);

 private:
  struct Leader {
    int index = 0;  // 1-based replica index
    std::string name;
    long long epoch = 0;
  };
  std::optional<Leader> confirm_leader(int index);
  std::optional<Leader> find_leader();
  // Polls pred every 50 ms until it holds, the deadline passes or the drill is interrupted.
  template <typename Pred>
  bool wait_until(double deadline, Pred pred);
  bool zk_serving_all();
  std::optional<int> zk_leader();
  std::string signal_replica(int index, int sig);
  std::string signal_zk(int server, int sig);
  bool wait_rejoined(FaultRecord& rec, int index, double since);
  bool new_leader_seen(int excluded, double since) const;  // another replica led since then
  bool wait_new_leader(int excluded, double since, double deadline);
  void settle(FaultRecord& rec, int excluded);
  // The victim of kill/stop/partition is out and nobody else led within --recover_s.
  void no_takeover(FaultRecord& rec, const std::string& how);

  void kill(FaultRecord& rec, const Leader& leader);
  void stop(FaultRecord& rec, const Leader& leader);
  void partition(FaultRecord& rec, const Leader& leader);
  void zk_leader_fault(FaultRecord& rec);
  void zk_quorum(FaultRecord& rec);
  void pg_restart(FaultRecord& rec);
  void mesos_failover(FaultRecord& rec);
  void agent_loss(FaultRecord& rec);

  const Cluster& cluster_;
  const Options& options_;
  Violations& violations_;
  const std::vector<std::unique_ptr<ReplicaWatch>>& replicas_;
  SimWatch& sim_;
  const std::atomic<bool>& interrupted_;
  std::vector<std::unique_ptr<HttpClient>> api_;  // one per replica, for /v6/leader/
  HttpClient sim_api_;
};

}  // namespace scale::drill
