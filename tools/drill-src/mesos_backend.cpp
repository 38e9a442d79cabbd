// Which MesosWatch and MesosFaults a cluster gets: its cluster.env says SCALE_MESOS=sim or real.

#include "master_watch.h"
#include "mesos_faults.h"
#include "sim_watch.h"

namespace scale::drill {

std::unique_ptr<MesosWatch> make_mesos_watch(const Cluster& cluster, Violations& violations) {
  if (cluster.mesos() == MesosKind::Real) return std::make_unique<MasterWatch>(cluster, violations);
  return std::make_unique<SimWatch>(cluster.sim_url(), violations);
}

std::unique_ptr<MesosFaults> make_mesos_faults(const Cluster& cluster, const Options& options,
                                               MesosWatch& watch,
                                               const std::atomic<bool>& interrupted) {
  if (cluster.mesos() == MesosKind::Real) {
    return make_master_faults(cluster, options, watch, interrupted);
  }
  return make_sim_faults(cluster, watch);
}

}  // namespace scale::drill
