#pragma once

// What a follower keeps ready for its next promotion: a warmed database connection for the fence
// and the state load, and the leader's NOTIFY listener already LISTENing. Each needs a new
// PostgreSQL server process, 50-200 ms on a busy machine, which would otherwise sit inside every
// failover (DESIGN.md section 2, promotion sequence).

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "db/connection.h"
#include "scheduler/notify_listener.h"

namespace scale::scheduler {

// The channels the leader's loop reacts to: job submissions, cancels and priorities, bulk job
// actions, node pauses, settings.
inline std::vector<std::string> leader_channels() {
  return {"scale_jobs", "scale_job_actions", "scale_nodes", "scale_settings"};
}

// Hands a listener's notifications to whoever is attached, and drops them while nobody is: a
// follower has no use for them, and the leader that attaches loads its state only afterwards, so
// whatever a dropped notification announced is in that load.
class NotifyRelay {
 public:
  using Target = std::function<void(const db::Notification&)>;

  void attach(Target target) {
    std::lock_guard lock(mutex_);
    target_ = std::move(target);
  }
  void deliver(const db::Notification& notification) {
    std::lock_guard lock(mutex_);
    if (target_) target_(notification);
  }

 private:
  std::mutex mutex_;
  Target target_;
};

struct Standby {
  std::unique_ptr<db::Connection> conn;  // db::Fence::warm-ed
  std::shared_ptr<NotifyRelay> relay;
  // Declared after relay so it stops first; its callback holds the relay anyway.
  std::unique_ptr<NotifyListener> listener;
};

}  // namespace scale::scheduler
