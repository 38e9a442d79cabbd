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

  // One commit's updates, at most kPerCommit, oldest first: the statement that stores them joins
  // its inputs without indexes, so its cost grows faster than the batch (a burst of 20,000
  // finished tasks in one statement took minutes). The rest wait for the next turn.
  static constexpr size_t kPerCommit = 1000;
  std::vector<db::TaskStatusUpdate> take_updates();
  // Every update not yet acknowledged, in arrival order; the first taken() are the commit's.
  const std::vector<mesos::TaskStatus>& statuses() const { return statuses_; }
  size_t taken() const { return taken_; }
  bool has_untaken() const { return !updates_.empty(); }
  // When each of statuses() arrived, in the same order: for the update-to-ack latency.
  const std::vector<std::chrono::steady_clock::time_point>& arrived() const { return arrived_; }
  // The commit's updates were stored and acknowledged: forget them, keep the rest.
  void committed();
  // A failed commit: forget everything (Mesos sends the unacknowledged updates again).
  void clear() {
    updates_.clear();
    statuses_.clear();
    arrived_.clear();
    taken_ = 0;
  }

  static db::TaskStatusUpdate to_update(const mesos::TaskStatus& status);

 private:
  std::vector<db::TaskStatusUpdate> updates_;
  std::vector<mesos::TaskStatus> statuses_;
  std::vector<std::chrono::steady_clock::time_point> arrived_;
  size_t taken_ = 0;
};

}  // namespace scale::scheduler
