#pragma once

// The promotion sequence of DESIGN.md section 2, after the ZooKeeper term is won, each step
// bounded, retried with backoff and logged with its duration: the PostgreSQL fence, LISTEN, the
// term's state, the Mesos subscription. Reconciliation and the first launch follow in the
// Leader's loop (the scheduling core launches only once reconciled).

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>

#include "cluster/election.h"
#include "scheduler/clock.h"
#include "scheduler/leader_store.h"
#include "scheduler/mesos/mesos_connection.h"
#include "scheduler/notify_source.h"
#include "scheduler/replica_options.h"
#include "scheduler/scheduling_core.h"

namespace scale::scheduler {

// What a promoted term schedules with; declared in teardown order's reverse (the core first).
struct TermScheduling {
  std::unique_ptr<mesos::MesosConnection> mesos;
  std::unique_ptr<LeaderPersistence> persistence;
  std::unique_ptr<SchedulingCore> core;
};

class Promotion {
 public:
  using MesosFactory = std::function<std::unique_ptr<mesos::MesosConnection>()>;
  // Waits up to `delay` (or less, for something the Leader must act on); false: give up now.
  using Pause = std::function<bool(std::chrono::milliseconds delay)>;
  enum class Result { Done, Refused, FencedOut, Interrupted };

  // `notifications` and `make_mesos` are used only by start_scheduling (a term that does not
  // schedule has neither).
  Promotion(const ReplicaOptions& options, cluster::Term& term, LeaderStore& store,
            NotifySource* notifications, MesosFactory make_mesos, const Clock& clock, Pause pause);

  // The fence raised to the term's epoch (Refused: a newer term holds it).
  Result raise_fence();
  // LISTEN in place, the term's state loaded in one fenced transaction, then SUBSCRIBE started;
  // on Done, `out` holds what the term schedules with.
  Result start_scheduling(TermScheduling& out,
                          mesos::MesosConnection::NotificationCallback deliver);

 private:
  Result listen_and_load(TermScheduling& out,
                         mesos::MesosConnection::NotificationCallback& deliver);
  std::optional<std::string> load(TermScheduling& out);
  long long ms_since(std::chrono::steady_clock::time_point start) const;

  const ReplicaOptions& options_;
  cluster::Term& term_;
  LeaderStore& store_;
  NotifySource* notifications_;
  MesosFactory make_mesos_;
  const Clock& clock_;
  Pause pause_;
};

}  // namespace scale::scheduler
