#pragma once

// Who leads, as this instance sees it: written by the ZooKeeper registration thread, read by HTTP
// threads. Without --zk the instance always leads.

#include <mutex>
#include <optional>
#include <string>

namespace mesos_sim {

class LeaderView {
 public:
  struct Snapshot {
    bool leading = true;
    std::optional<std::string> leader;  // "host:port" of the leader when another instance leads
  };
  Snapshot get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return snapshot_;
  }
  void set(Snapshot snapshot) {
    std::lock_guard<std::mutex> lock(mutex_);
    snapshot_ = std::move(snapshot);
  }

 private:
  mutable std::mutex mutex_;
  Snapshot snapshot_;
};

}  // namespace mesos_sim
