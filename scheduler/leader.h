#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <variant>

#include "cluster/election.h"
#include "db/connection.h"
#include "scheduler/event_queue.h"
#include "scheduler/leader_persistence.h"
#include "scheduler/mesos/mesos_connection.h"
#include "scheduler/notify_listener.h"
#include "scheduler/replica_metrics.h"
#include "scheduler/replica_options.h"
#include "scheduler/replica_standby.h"
#include "scheduler/scheduling_core.h"
#include "scheduler/status_document.h"

namespace scale::scheduler {

// Why a term of leadership stopped.
// MesosFailedOver: a newer subscriber took the framework (fence 3 of DESIGN.md section 2).
enum class LeaderOutcome { TermEnded, FencedOut, PromotionRefused, Stopped, MesosFailedOver };
const char* to_string(LeaderOutcome outcome);

// The leader's work for one term, on one thread: promote through the PostgreSQL fence, LISTEN,
// load the non-terminal state, subscribe to Mesos (when --mesos_master is set), then run the
// scheduling loop (SchedulingCore, one fenced commit per turn) and write the status document every
// status interval, until the term ends, a write is fenced out, Mesos hands the framework to a
// newer subscriber, or the replica stops. A suspended term (ZooKeeper connection lost) neither
// writes nor calls Mesos. Threads only at the edges: the Mesos client and the NOTIFY listener push
// onto the event queue.
class Leader {
 public:
  // `metrics`, when given, hears of the term and its counters; it must outlive the Leader.
  // `standby` holds what the follower opened before the term began (a warmed connection, a
  // listener): the promotion uses them instead of connecting on the failover's critical path.
  Leader(const ReplicaOptions& options, cluster::ZkSession& zk, cluster::Term& term,
         std::atomic<bool>& promoted, ReplicaMetrics* metrics = nullptr, Standby standby = {});
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

  LeaderOutcome lead(std::stop_token stop);
  void publish_counters();  // what the core counted since the last call, into metrics_
  bool promote(std::stop_token stop);
  bool ensure_connection();
  db::Connection& connection();  // throws db::Error when the database is unreachable
  bool write_status();           // false when fenced out
  void wait_for_retry(std::chrono::milliseconds delay);
  // Promotion steps after the fence; false when the term cannot go on (outcome_ says why).
  bool start_scheduling(std::stop_token stop);
  bool listen_and_load();
  void start_listener();
  void adopt_listener(Standby& standby);
  // Builds the term's core and loads it; returns the stored framework id. Throws db::Error.
  std::optional<std::string> load_term_state();
  void start_mesos(const std::optional<std::string>& framework_id);
  void handle(Event event);
  void log_milestones();
  void fill_scheduling_status(StatusInputs& in);
  static void fill_nodes(StatusInputs& in, const std::vector<AgentView>& agents);
  struct WantedWarning {
    std::string name;
    std::string title;
    std::string description;
  };
  std::vector<WantedWarning> wanted_warnings();
  void update_warnings(std::chrono::system_clock::time_point now);
  static void add_recent_executions(db::Connection& conn, StatusInputs& in);
  static std::unique_ptr<mesos::MesosConnection> make_mesos_connection(
      const ReplicaOptions& options, cluster::Term& term);
  void stop_scheduling();

  const ReplicaOptions& options_;
  cluster::ZkSession& zk_;
  cluster::Term& term_;
  std::atomic<bool>& promoted_;
  ReplicaMetrics* metrics_;
  SchedulingCounters published_;
  std::shared_ptr<EventQueue<Event>> events_;
  std::unique_ptr<db::Connection> conn_;
  std::chrono::system_clock::time_point term_started_;
  bool stopping_ = false;
  bool db_warned_ = false;
  std::optional<LeaderOutcome> outcome_;
  std::chrono::steady_clock::time_point promoted_at_;
  bool logged_subscribed_ = false;
  bool logged_ready_ = false;
  bool listener_synced_ = false;  // the listener's first resync comes before the load: skip it
  // Declared in teardown order's reverse: the core goes first, the Mesos client last but one.
  std::shared_ptr<NotifyRelay> relay_;  // set when the listener came from the standby
  std::unique_ptr<NotifyListener> listener_;
  std::unique_ptr<mesos::MesosConnection> mesos_;
  std::unique_ptr<LeaderPersistence> persistence_;
  std::unique_ptr<SchedulingCore> core_;
  SchedulingCounters last_counters_;
  std::chrono::steady_clock::time_point last_counters_at_;
  std::vector<StatusWarning> warnings_;
};

}  // namespace scale::scheduler
