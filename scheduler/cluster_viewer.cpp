#include "scheduler/cluster_viewer.h"

#include <condition_variable>

#include "cluster/election.h"

namespace scale::scheduler {

ClusterViewer::ClusterViewer(const ReplicaOptions& options, std::chrono::milliseconds period)
    : options_(options), period_(period), thread_([this](std::stop_token stop) { run(stop); }) {}

ClusterViewer::~ClusterViewer() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

std::optional<std::string> ClusterViewer::leader() const {
  std::lock_guard lock(mutex_);
  return leader_;
}

void ClusterViewer::run(std::stop_token stop) {
  std::unique_ptr<cluster::ZkSession> zk;
  std::mutex sleep_mutex;
  std::condition_variable_any sleeper;
  while (!stop.stop_requested()) {
    if (!zk || zk->state() == cluster::SessionState::Expired) {
      zk.reset();
      try {
        zk = cluster::ZkSession::open(options_.zk, options_.zk_session_timeout);
      } catch (const std::exception&) {
        // Unresolvable right now: report no leader and try again next period.
      }
    }
    std::optional<std::string> seen;
    if (zk && zk->state() == cluster::SessionState::Connected) {
      auto candidates = cluster::list_candidates(*zk, options_.election_path);
      if (!candidates.empty()) seen = candidates.front().replica_id;
    }
    {
      std::lock_guard lock(mutex_);
      leader_ = seen;
    }
    std::unique_lock lock(sleep_mutex);
    sleeper.wait_for(lock, stop, period_, [] { return false; });
  }
}

}  // namespace scale::scheduler
