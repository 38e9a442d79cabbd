#include "scheduler/cluster_viewer.h"

#include "cluster/candidate_info.h"

namespace scale::scheduler {

ClusterViewer::ClusterViewer(cluster::Detector& election)
    : election_(election), subscription_(election_.subscribe([this] { refresh(); })) {
  refresh();
}

std::optional<std::string> ClusterViewer::leader() const {
  std::lock_guard lock(mutex_);
  return leader_;
}

void ClusterViewer::refresh() {
  // Read under the lock, so a refresh that read older members cannot store them last.
  std::lock_guard lock(mutex_);
  const auto candidates = cluster::candidates(election_.members());
  leader_.reset();
  if (!candidates.empty()) leader_ = candidates.front().replica_id;
}

}  // namespace scale::scheduler
