#pragma once

// The task status updates of one loop turn: written in the turn's commit, acknowledged to Mesos
// only after it (an update acknowledged before it is stored could be lost for good).

#include <chrono>
#include <string>
#include <vector>

#include "db/execution_store.h"
#include "scheduler/mesos/mesos_event.h"
#include "scheduler/reconciler.h"

namespace scale::scheduler {

class UpdateBatch {
 public:
  static constexpr const char* kUnreachableTimeout = "unreachable_timeout";

  void add(mesos::TaskStatus status);
  // A task the master never knew again: finished as lost like a Mesos update, so its job is
  // retried.
  void add_lost(const Reconciler::Task& task);
  // A task whose agent stayed unreachable longer than timeout_s: finished as lost, exit reason
  // kUnreachableTimeout, so its job is retried elsewhere.
  void add_unreachable_expired(const Reconciler::Task& task, double timeout_s);

  // What the commit writes; the statuses stay, in the same order, until acknowledged.
  std::vector<db::TaskStatusUpdate> take_updates();
  const std::vector<mesos::TaskStatus>& statuses() const { return statuses_; }
  // When each of statuses() arrived, in the same order: for the update-to-ack latency.
  const std::vector<std::chrono::steady_clock::time_point>& arrived() const { return arrived_; }
  // After the acknowledgements, or a failed commit (Mesos then sends them again).
  void clear() {
    statuses_.clear();
    arrived_.clear();
  }

  static db::TaskStatusUpdate to_update(const mesos::TaskStatus& status);

 private:
  std::vector<db::TaskStatusUpdate> updates_;
  std::vector<mesos::TaskStatus> statuses_;
  std::vector<std::chrono::steady_clock::time_point> arrived_;
};

}  // namespace scale::scheduler
