#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster.h"
#include "fault_record.h"
#include "fault_support.h"
#include "http.h"
#include "mesos_faults.h"
#include "mesos_watch.h"
#include "options.h"
#include "watch.h"

// Injects one fault at a time, undoes it, and waits until the cluster settled: a leader known
// (confirmed by its own /v6/leader/), a status document written after the fault, the leader's
// first launch after the fault, every replica answering again, the ZooKeeper ensemble serving and
// Mesos itself whole again (MesosWatch::unsettled: a real master leading, every agent back).
namespace scale::drill {

class FaultRunner {
 public:
  FaultRunner(const Cluster& cluster, const Options& options, Violations& violations,
              const std::vector<std::unique_ptr<ReplicaWatch>>& replicas, MesosWatch& mesos,
              MesosFaults& mesos_faults, const std::atomic<bool>& interrupted);

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
  bool wait_until(double deadline, Pred pred) {
    return poll_until(deadline, interrupted_, pred);
  }
  bool zk_serving_all();
  std::optional<int> zk_leader();
  std::string signal_replica(int index, int sig);
  bool wait_rejoined(FaultRecord& rec, int index, double since);
  bool new_leader_seen(int excluded, double since) const;  // another replica led since then
  bool wait_new_leader(int excluded, double since, double deadline);
  // Settling after a fault (fault_settle.cpp): what was seen so far of the checks that have no
  // field in the FaultRecord, for the note when the cluster does not settle.
  struct SettleProgress {
    bool replicas_ok = false, zk_checked = false, zk_ok = false;
    std::string mesos_missing;  // MesosWatch::unsettled
  };
  void settle(FaultRecord& rec, int excluded);
  bool settled_now(FaultRecord& rec, int excluded, SettleProgress& progress);
  void note_leader(FaultRecord& rec, int excluded);
  void note_status(FaultRecord& rec, int excluded);
  void note_launch(FaultRecord& rec, int excluded);
  bool replicas_answering(double since) const;
  void report_unsettled(FaultRecord& rec, const SettleProgress& progress);
  // The victim of kill/stop/partition is out and nobody else led within --recover_s.
  void no_takeover(FaultRecord& rec, const std::string& how);

  void kill(FaultRecord& rec, const Leader& leader);
  void stop(FaultRecord& rec, const Leader& leader);
  void partition(FaultRecord& rec, const Leader& leader);
  void zk_leader_fault(FaultRecord& rec);
  void zk_quorum(FaultRecord& rec);
  void pg_restart(FaultRecord& rec);
  void pg_promote(FaultRecord& rec);

  const Cluster& cluster_;
  const Options& options_;
  Violations& violations_;
  const std::vector<std::unique_ptr<ReplicaWatch>>& replicas_;
  MesosWatch& mesos_;
  MesosFaults& mesos_faults_;
  const std::atomic<bool>& interrupted_;
  std::vector<std::unique_ptr<HttpClient>> api_;  // one per replica, for /v6/leader/
};

}  // namespace scale::drill
