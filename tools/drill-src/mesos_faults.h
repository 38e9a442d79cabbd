#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "cluster.h"
#include "fault_record.h"
#include "mesos_watch.h"
#include "options.h"

// The faults that hit Mesos itself, once per Mesos the drill can run against: the emulator's
// fault endpoints (sim_faults.cpp) or the processes of a real Mesos (master_faults.cpp). Each
// fills in the record's target, injected_at and measured_from, and notes what it saw.
namespace scale::drill {

class MesosFaults {
 public:
  virtual ~MesosFaults() = default;
  // Why the planned faults cannot run against this Mesos, in one line ("" when they can). Asked
  // before the drill touches anything.
  virtual std::string refuse(const std::vector<FaultKind>& planned) = 0;
  // mesos-failover: the leading master goes away and another takes over.
  virtual void master_failover(FaultRecord& rec) = 0;
  // agent-loss: the busiest agent and its tasks are gone; their jobs must run elsewhere.
  virtual void agent_loss(FaultRecord& rec) = 0;
};

std::unique_ptr<MesosFaults> make_sim_faults(const Cluster& cluster, MesosWatch& watch);
std::unique_ptr<MesosFaults> make_master_faults(const Cluster& cluster, const Options& options,
                                                MesosWatch& watch,
                                                const std::atomic<bool>& interrupted);
std::unique_ptr<MesosFaults> make_mesos_faults(const Cluster& cluster, const Options& options,
                                               MesosWatch& watch,
                                               const std::atomic<bool>& interrupted);

}  // namespace scale::drill
