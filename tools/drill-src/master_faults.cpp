// A real Mesos' faults: the processes tools/cluster started for its masters and agents, judged
// by what the leading master's endpoints say afterwards.

#include <signal.h>

#include <algorithm>

#include "fault_support.h"
#include "master_watch.h"
#include "mesos_faults.h"

namespace scale::drill {
namespace {

std::string ms_text(double from, double to) {
  return std::to_string(static_cast<long long>(ms_between(from, to))) + " ms";
}

class MasterFaults : public MesosFaults {
 public:
  MasterFaults(const Cluster& cluster, const Options& options, MesosWatch& watch,
               const std::atomic<bool>& interrupted)
      : cluster_(cluster), options_(options), watch_(watch), interrupted_(interrupted) {}

  std::string refuse(const std::vector<FaultKind>& planned) override {
    auto has = [&](FaultKind kind) {
      return std::find(planned.begin(), planned.end(), kind) != planned.end();
    };
    const size_t masters = cluster_.masters().size();
    if (has(FaultKind::MesosFailover) && masters < 2) {
      return "mesos-failover on real Mesos kills the leading master, so another must take over: "
             "start the cluster with tools/cluster up --mesos real --masters 2 (or more)";
    }
    if (has(FaultKind::ZkQuorum) && masters > 1) {
      return "zk-quorum cannot run against several real Mesos masters: they elect through the "
             "cluster's ZooKeeper ensemble and a Mesos master whose ZooKeeper session expires "
             "exits by design; run it against tools/cluster up --mesos real --masters 1";
    }
    if (has(FaultKind::AgentLoss) && cluster_.agents().size() < 2) {
      return "agent-loss on real Mesos needs 2 agents or more (one keeps running jobs while the "
             "other is down): tools/cluster up --mesos real --agents 2";
    }
    return "";
  }

  // SIGKILL of the leading master; once another master leads, it starts again (as a standby).
  void master_failover(FaultRecord& rec) override {
    rec.injected_at = rec.measured_from = wall_now();
    const auto leading = find_leading_master(cluster_);
    if (!leading) {
      rec.note += "no Mesos master leads: none killed; ";
      return;
    }
    const MesosNode& victim = cluster_.masters()[*leading - 1];
    rec.target = victim.name;
    rec.injected_at = wall_now();
    if (auto err = signal_named(cluster_, victim.name, work_dir(victim), SIGKILL); !err.empty()) {
      rec.note += err + "; ";
      return;
    }
    rec.measured_from = wall_now();
    Restore start([&] {
      if (auto err = cluster_.tool({"start", victim.name}); !err.empty()) rec.note += err + "; ";
    });
    std::optional<int> next;
    const bool elected = poll_until(rec.measured_from + options_.recover_s, interrupted_, [&] {
      next = find_leading_master(cluster_);
      return next && *next != victim.index;
    });
    if (elected) {
      rec.note += cluster_.masters()[*next - 1].name + " led after " +
                  ms_text(rec.measured_from, wall_now()) + "; ";
    } else if (!interrupted_) {
      rec.note += "no other master led within " + std::to_string(options_.recover_s) + " s; ";
    }
    start.now();
  }

  // The busiest agent and everything it ran are killed at once (a machine that dies); once the
  // master has marked it unreachable it starts again on the same work dir and re-registers.
  void agent_loss(FaultRecord& rec) override {
    watch_.catch_up();
    std::vector<AgentView> active;
    for (const auto& a : watch_.agents()) {
      if (a.state == "REGISTERED" && !a.name.empty()) active.push_back(a);
    }
    rec.injected_at = rec.measured_from = wall_now();
    if (active.size() < 2) {
      rec.note += "only " + std::to_string(active.size()) + " agent(s) active: none lost; ";
      return;
    }
    const auto victim =
        *std::max_element(active.begin(), active.end(),
                          [](const AgentView& x, const AgentView& y) { return x.tasks < y.tasks; });
    rec.target = victim.name + " (" + std::to_string(victim.tasks) + " tasks)";
    rec.injected_at = rec.measured_from = wall_now();
    if (auto err = cluster_.tool({"stop", victim.name, "--executors"}); !err.empty()) {
      rec.note += err + "; ";
      return;
    }
    Restore start([&] {
      if (auto err = cluster_.tool({"start", victim.name}); !err.empty()) rec.note += err + "; ";
    });
    // Nothing answers the master's pings any more: the agent is inactive at once (its connection
    // closed), and after the ping timeouts the master marks it unreachable, drops it from
    // /master/slaves and tells the scheduler TASK_UNREACHABLE for the tasks it ran.
    const bool lost = poll_until(rec.measured_from + options_.recover_s, interrupted_, [&] {
      auto agents = fetch_master_agents(cluster_);
      return agents && std::none_of(agents->begin(), agents->end(),
                                    [&](const MasterAgent& a) { return a.id == victim.id; });
    });
    if (lost) {
      rec.note +=
          "the master marked it unreachable after " + ms_text(rec.measured_from, wall_now()) + "; ";
    } else if (!interrupted_) {
      rec.note += "the master still listed it after " + std::to_string(options_.recover_s) + " s; ";
    }
    start.now();
  }

 private:
  // What only that process's command line holds (tools/cluster-real-mesos.sh's layout), so a
  // stale pid file never makes the drill kill another process.
  static std::string work_dir(const MesosNode& node) { return "/mesos/" + node.name + "/work"; }

  const Cluster& cluster_;
  const Options& options_;
  MesosWatch& watch_;
  const std::atomic<bool>& interrupted_;
};

}  // namespace

std::unique_ptr<MesosFaults> make_master_faults(const Cluster& cluster, const Options& options,
                                                MesosWatch& watch,
                                                const std::atomic<bool>& interrupted) {
  return std::make_unique<MasterFaults>(cluster, options, watch, interrupted);
}

}  // namespace scale::drill
