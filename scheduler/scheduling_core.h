#pragma once

// The leader's scheduling decisions for one term (DESIGN.md section 3), free of threads and I/O
// other than the MesosConnection and LeaderPersistence it is given, so unit tests drive it with
// fakes. The Leader feeds it events and calls turn() once per loop turn; turn() batches every
// write in one commit and only then talks to Mesos (write-ahead launches, ack after commit).

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "scheduler/leader_persistence.h"
#include "scheduler/mesos/mesos_connection.h"
#include "scheduler/offer_book.h"
#include "scheduler/queue/job_queue.h"
#include "scheduler/queue/matcher.h"
#include "scheduler/reconciler.h"

namespace scale::scheduler {

// Counters since the term began; the status writer turns differences into per-second rates.
struct SchedulingCounters {
  uint64_t new_offers = 0;
  uint64_t task_updates = 0;
  uint64_t tasks_finished = 0;
  uint64_t jobs_finished = 0;
  uint64_t jobs_launched = 0;
  uint64_t tasks_launched = 0;
  uint64_t offers_launched = 0;
  uint64_t acknowledgements = 0;
  uint64_t reconciliation_rounds = 0;  // explicit and implicit requests sent
};

// How the turn commits went since the last take_db_health(), for the status warnings.
struct DbHealth {
  std::chrono::milliseconds slowest_commit{0};
  size_t commits = 0;
  size_t failed_commits = 0;
  std::string last_error;
};

// One agent as the status document shows it.
struct AgentView {
  db::AgentRecord record;
  size_t offers = 0;
  queue::Resources offered;
  queue::Resources running;  // resources of the live tasks the leader launched there
  size_t running_tasks = 0;
};

class SchedulingCore {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::string role = "*";
    std::string master;  // recorded with a new framework id
    double refuse_seconds_paused = 30;
    double refuse_seconds_idle = 5;
    // SUPPRESS only after nothing could run for this long (since the subscription or the last
    // runnable work): offers are also how the leader learns the agents, so a subscription that
    // suppressed at once would never hear of the agents not in the first offers.
    std::chrono::milliseconds suppress_after{3000};
    // Offers held while queued work fits none of them for this long raise a status warning.
    std::chrono::milliseconds offers_unusable_after{15000};
    // With nothing queued, unused offers are kept this long before they are declined, so jobs
    // submitted meanwhile launch at the next turn instead of after a REVIVE and an allocation
    // round (and a steady trickle of jobs does not make Mesos re-offer every agent each round).
    std::chrono::milliseconds offer_hold{1000};
    // Offers that arrive while a new subscription is still reconciling are kept this long: a
    // real master allocates right after SUBSCRIBE and then only every second, so declining them
    // delayed the first launch of a new leader by a filter and an allocation round.
    std::chrono::milliseconds offer_hold_reconciling{5000};
    Reconciler::Options reconciler;
  };

  enum class TurnOutcome { Continue, FencedOut };

  SchedulingCore(Options options, mesos::MesosConnection& mesos, LeaderPersistence& db);

  // Promotion: the state loaded from the database (queue streamed in beforehand via queue()).
  void load(const db::LeaderState& state, std::optional<std::string> stored_framework_id,
            const db::SchedulerSettings& settings);
  queue::JobQueue& queue() { return queue_; }

  // Events; none of them writes or calls Mesos before turn().
  void on_mesos(mesos::Notification notification, Clock::time_point now);
  void on_jobs_changed(const std::vector<long long>& job_ids);
  void on_settings_changed() { settings_dirty_ = true; }
  void on_nodes_changed() { nodes_dirty_ = true; }
  // NOTIFYs may have been missed: rebuild the queue from the database on the next turn.
  void on_resync() { queue_dirty_ = true; }

  // One loop turn: refresh intents, reconcile, match, commit, then act on Mesos.
  TurnOutcome turn(Clock::time_point now);
  // When turn() should run next even without an event (reconciliation retries).
  std::optional<Clock::time_point> next_due() const { return reconciler_.next_due(); }

  // For the status document and the Leader.
  const SchedulingCounters& counters() const { return counters_; }
  bool subscribed() const { return subscribed_; }
  bool framework_removed() const { return framework_removed_; }
  bool failed_over() const { return failed_over_; }
  const std::optional<std::string>& terminal_error() const { return terminal_error_; }
  const std::string& framework_id() const { return framework_id_; }
  bool paused() const { return settings_.is_paused; }
  size_t num_offers() const { return offers_.offers(); }
  bool ready_to_launch() const { return reconciler_.ready_to_launch(); }
  std::vector<AgentView> agents() const;
  const db::SchedulerSettings& settings() const { return settings_; }
  size_t queued_jobs() const { return queue_.size(); }
  // Commit statistics since the previous call.
  DbHealth take_db_health();
  // Since when offers have been held, with queued work and nothing placed, for longer than
  // Options::offers_unusable_after; nullopt otherwise.
  std::optional<Clock::time_point> offers_unusable_since(Clock::time_point now) const;

 private:
  struct LiveTask {
    long long job_id = 0;
    std::string agent_id;
    queue::Resources resources;
    std::string stored_uuid;  // of its last update committed (a redelivery of it is only acked)
  };

  void on_event(const mesos::Event& event, Clock::time_point now);
  bool redelivery_of_stored(const mesos::TaskStatus& status) const;
  void note_agent(const mesos::Offer& offer);
  void on_failure(const mesos::FailureEvent& failure);
  db::Resources active_totals() const;
  TurnWrites take_writes();
  void note_commit(Clock::duration took, const db::Error* error);
  void on_subscribed(const mesos::SubscribedEvent& subscribed, Clock::time_point now);
  void refresh_intents();
  void apply_settings(const db::SchedulerSettings& settings);
  std::vector<queue::AgentOffer> matcher_agents() const;
  void plan_launches(TurnWrites& writes, Clock::time_point now);
  void act_on_commit(const TurnWrites& writes, const TurnResult& result, Clock::time_point now);
  void send_launches(const TurnWrites& writes, const TurnResult& result);
  void handle_outcomes(const TurnResult& result, Clock::time_point now);
  void give_up_unknown(Clock::time_point now);
  void decline_rest(Clock::time_point now);
  void adjust_suppression(Clock::time_point now);
  void send_reconciliation(Clock::time_point now);
  void send_kills();
  void abandon_turn(const TurnWrites& writes);
  void reconcile_after_failed_commit(Clock::time_point now);

  Options options_;
  mesos::MesosConnection& mesos_;
  LeaderPersistence& db_;
  queue::JobQueue queue_;
  queue::Matcher matcher_;
  OfferBook offers_;
  Reconciler reconciler_;
  db::SchedulerSettings settings_;
  std::unordered_map<std::string, db::AgentRecord> agents_;  // by agent id
  std::unordered_map<std::string, LiveTask> live_tasks_;     // task id -> what runs
  std::vector<db::AgentSeen> agents_to_write_;
  std::vector<std::string> agents_gone_;
  bool totals_dirty_ = false;  // cluster_resources to be rewritten
  // A commit failed: it may have been written anyway, so reread the live executions.
  bool commit_outcome_unknown_ = false;
  DbHealth db_health_;
  std::optional<Clock::time_point> unusable_since_;
  std::vector<db::TaskStatusUpdate> pending_updates_;
  std::vector<mesos::TaskStatus> pending_statuses_;  // same order, for the acks
  std::set<long long> changed_jobs_;
  std::vector<std::pair<std::string, std::string>> pending_kills_;  // task id, agent id
  std::optional<std::string> new_framework_id_;
  std::string framework_id_;
  std::optional<std::string> terminal_error_;
  bool subscribed_ = false;
  bool suppressed_ = false;
  Clock::time_point runnable_at_{};  // last time something could run, or the subscription
  bool want_revive_ = false;
  bool settings_dirty_ = false;
  bool nodes_dirty_ = false;
  bool queue_dirty_ = false;
  bool framework_removed_ = false;
  bool failed_over_ = false;
  SchedulingCounters counters_;
};

}  // namespace scale::scheduler
