#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

#include "cluster/election.h"
#include "scheduler/clock.h"
#include "scheduler/event_queue.h"
#include "scheduler/leader_store.h"
#include "scheduler/mesos/mesos_connection.h"
#include "scheduler/notify_source.h"
#include "scheduler/promotion.h"
#include "scheduler/replica_metrics.h"
#include "scheduler/replica_options.h"
#include "scheduler/status_builder.h"

namespace scale::scheduler {

// Why a term of leadership stopped.
// MesosFailedOver: a newer subscriber took the framework (fence 3 of DESIGN.md section 2).
enum class LeaderOutcome { TermEnded, FencedOut, PromotionRefused, Stopped, MesosFailedOver };
const char* to_string(LeaderOutcome outcome);

// What a Leader works with, handed in: the real ones are made by make_leader_parts
// (scheduler/leader_parts.h), the unit tests' are fakes.
struct LeaderParts {
  std::unique_ptr<LeaderStore> store;
  std::unique_ptr<NotifySource> notifications;  // needed only when scheduling
  // The term's Mesos connection, made when it starts scheduling (once per term).
  Promotion::MesosFactory mesos;
  // The replicas that stand for election now, in election order, for the status document (the
  // Leader marks itself as the leader).
  std::function<std::vector<ReplicaSeen>()> replicas;
  const Clock* clock = nullptr;  // null: the system clock
};

// The leader's work for one term, on one thread: promote (scheduler/promotion.h), then run the
// scheduling loop (SchedulingCore, one fenced commit per turn) and write the status document
// (StatusBuilder) every status interval, until the term ends, a write is fenced out, Mesos hands
// the framework to a newer subscriber, or the replica stops. A term that is not acting (ZooKeeper
// connection lost, or its lease unconfirmed) neither writes nor calls Mesos. Threads only at the
// edges: the Mesos client and the notification source push onto the event queue.
class Leader {
 public:
  // `promoted` is set while the fence is held; `metrics`, when given, hears of the term and its
  // counters. Both must outlive the Leader.
  Leader(const ReplicaOptions& options, cluster::Term& term, LeaderParts parts,
         std::atomic<bool>& promoted, ReplicaMetrics* metrics = nullptr);
  ~Leader();

  // Returns once the term's loop is over: nothing is written or sent to Mesos after that, so the
  // caller may resign the term before destroying the Leader.
  LeaderOutcome run(std::stop_token stop);

 private:
  struct TermEnded {};
  struct Stop {};
  struct DbWake {  // a NOTIFY; empty channel = re-read everything
    std::string channel;
    std::string payload;
  };
  using Event = std::variant<TermEnded, Stop, mesos::Notification, DbWake>;

  bool scheduling() const { return !options_.mesos_master.empty(); }
  LeaderOutcome lead(std::stop_token stop);
  LeaderOutcome loop(std::stop_token stop);
  bool pause(std::chrono::milliseconds delay, std::stop_token stop);
  LeaderOutcome interrupted(std::stop_token stop) const;  // why a promotion step gave up
  bool turn();                                            // false when fenced out
  bool write_status();                                    // false when fenced out
  void handle(Event event);
  void on_db_wake(const DbWake& wake);
  void log_milestones();
  void step(const char* name);             // a promotion step done: recorded with its time
  void record_end(LeaderOutcome outcome);  // why the term ended, into its history
  void publish_counters();  // what the core counted since the last call, into metrics_
  void stop_scheduling();
  long long ms_since(std::chrono::steady_clock::time_point start) const;

  const ReplicaOptions& options_;
  cluster::Term& term_;
  LeaderParts parts_;
  const SystemClock system_clock_;
  const Clock& clock_;
  std::atomic<bool>& promoted_;
  ReplicaMetrics* metrics_;
  std::shared_ptr<EventQueue<Event>> events_;
  std::optional<StatusBuilder> status_;
  SchedulingCounters published_;
  std::chrono::steady_clock::time_point won_at_;
  bool stopping_ = false;
  bool db_warned_ = false;
  bool logged_subscribed_ = false;
  bool logged_ready_ = false;
  bool resync_expected_ = false;  // the source's first "re-read everything" precedes the load
  bool logged_first_launch_ = false;
  std::vector<db::TermStep> pending_steps_;  // recorded with the next status document
  TermScheduling scheduling_;
};

}  // namespace scale::scheduler
