#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "scheduler/replica_options.h"

namespace scale::scheduler {

// Watches who leads in ZooKeeper on a session of its own, for the REST API's leader headers and
// /leaderhealth. Polls the election children every `period` (one cheap getChildren); reopens its
// session after expiry.
class ClusterViewer {
 public:
  ClusterViewer(const ReplicaOptions& options, std::chrono::milliseconds period);
  ~ClusterViewer();  // stops and joins

  // replica_id of the lowest election node; nullopt when unknown (no session, no candidates).
  std::optional<std::string> leader() const;

 private:
  void run(std::stop_token stop);

  const ReplicaOptions& options_;
  const std::chrono::milliseconds period_;
  mutable std::mutex mutex_;
  std::optional<std::string> leader_;
  std::jthread thread_;
};

}  // namespace scale::scheduler
