#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "cluster/detector.h"

namespace scale::scheduler {

// Who leads, for the REST API's leader headers and /leaderhealth: the replica_id of the
// election's first candidate, kept current from the election's Detector as it changes (not read
// per request). Unknown while the election's session is not connected or nobody stands.
class ClusterViewer {
 public:
  // `election` must outlive the viewer.
  explicit ClusterViewer(cluster::Detector& election);

  std::optional<std::string> leader() const;

 private:
  void refresh();

  cluster::Detector& election_;
  mutable std::mutex mutex_;
  std::optional<std::string> leader_;
  cluster::Subscription subscription_;  // last: cancelled before the rest goes
};

}  // namespace scale::scheduler
