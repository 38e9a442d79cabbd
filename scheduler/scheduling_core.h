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
#include <utility>
#include <vector>

#include "scheduler/agent_book.h"
#include "scheduler/bulk_action_runner.h"
#include "scheduler/commit_health.h"
#include "scheduler/deadline_sweep.h"
#include "scheduler/kill_book.h"
#include "scheduler/latency_samples.h"
#include "scheduler/launch_gate.h"
#include "scheduler/launch_planner.h"
#include "scheduler/leader_persistence.h"
#include "scheduler/live_tasks.h"
#include "scheduler/mesos/mesos_connection.h"
#include "scheduler/offer_book.h"
#include "scheduler/offer_policy.h"
#include "scheduler/queue/job_queue.h"
#include "scheduler/reconciler.h"
#include "scheduler/retention_sweeper.h"
#include "scheduler/update_batch.h"

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
  uint64_t job_timeouts = 0;           // executions killed for running past timeout_s
  uint64_t unreachable_expired = 0;    // executions ended after --unreachable_timeout_s
  uint64_t kill_resends = 0;           // KILLs sent again for want of a terminal update
  uint64_t jobs_deleted = 0;           // finished jobs removed by retention
  uint64_t redeliveries = 0;           // updates stored already, only acknowledged again
  uint64_t launch_holds = 0;           // times backpressure held launching
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
    // How often the database is asked for executions past their deadlines (job timeout_s, an
    // agent unreachable for longer than unreachable_timeout_s).
    std::chrono::milliseconds deadline_sweep{1000};
    double unreachable_timeout_s = 300;
    KillBook::Options kills;
    // Jobs per fenced transaction of a bulk cancel or requeue (one batch per loop turn).
    int bulk_batch_size = 500;
    RetentionSweeper::Options retention;
    LaunchGate::Options launch_gate;
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
  void on_settings_changed() { stale_.settings = true; }
  void on_nodes_changed() { stale_.nodes = true; }
  // NOTIFYs may have been missed: rebuild the queue from the database on the next turn.
  void on_resync() { stale_.queue = true; }
  // A bulk cancel or requeue was stored (or may have been: the slow re-read).
  void on_job_actions_changed() { bulk_actions_.wake(); }

  // One loop turn: refresh intents, reconcile, match, commit, then act on Mesos.
  TurnOutcome turn(Clock::time_point now);
  // When turn() should run next even without an event (reconciliation retries, KILL resends,
  // the deadline sweep, a bulk action's next batch).
  std::optional<Clock::time_point> next_due() const;

  // For the status document and the Leader.
  const SchedulingCounters& counters() const { return counters_; }
  // The durations measured since the last call, for the /metrics histograms.
  LatencySamples take_latencies() { return std::exchange(latencies_, {}); }
  // Status updates received and not yet acknowledged (they wait for the turn's commit).
  size_t unacknowledged_updates() const { return updates_.statuses().size(); }
  // Backpressure on launching, as of the last turn.
  const LaunchGate& launch_gate() const { return gate_; }
  // Updates not yet acknowledged and launches not yet heard from, now.
  LaunchLoad launch_load() const;
  bool subscribed() const { return subscribed_; }
  bool framework_removed() const {
    return terminal_kind_ == mesos::TerminalErrorKind::FrameworkRemoved;
  }
  bool failed_over() const { return terminal_kind_ == mesos::TerminalErrorKind::FailedOver; }
  const std::optional<std::string>& terminal_error() const { return terminal_error_; }
  const std::string& framework_id() const { return framework_id_; }
  bool paused() const { return settings_.is_paused; }
  size_t num_offers() const { return offers_.offers(); }
  bool ready_to_launch() const { return reconciler_.ready_to_launch(); }
  std::vector<AgentView> agents() const { return agents_.views(offers_, live_tasks_); }
  const db::SchedulerSettings& settings() const { return settings_; }
  size_t queued_jobs() const { return queue_.size(); }
  // Commit statistics since the previous call.
  DbHealth take_db_health() { return commit_health_.take(); }
  // Since when offers have been held, with queued work and nothing placed, for longer than
  // Options::offers_unusable_after; nullopt otherwise.
  std::optional<Clock::time_point> offers_unusable_since(Clock::time_point now) const {
    return planner_.unusable_since(now);
  }

 private:
  // What the database changed that this term has yet to reread.
  struct Stale {
    bool settings = false;
    bool nodes = false;
    bool queue = false;
    std::set<long long> jobs;
  };

  void on_event(const mesos::Event& event, Clock::time_point now);
  void on_terminal(const mesos::TerminalError& terminal);
  void on_update(const mesos::TaskStatus& status);
  void on_failure(const mesos::FailureEvent& failure);
  void on_subscribed(const mesos::SubscribedEvent& subscribed, Clock::time_point now);
  void run_upkeep(Clock::time_point now);
  void refresh_intents();
  void reload_queue();
  void refresh_jobs();
  void apply_settings(const db::SchedulerSettings& settings);
  void queue_job(const queue::QueuedJob& job);
  static queue::QueuedJob to_queued(const db::QueueEntry& entry);
  TurnWrites take_writes(Clock::time_point now);
  std::optional<TurnResult> commit(const TurnWrites& writes, Clock::time_point now);
  void act_on_commit(const TurnWrites& writes, const TurnResult& result, Clock::time_point now);
  void send_launches(const TurnWrites& writes, const TurnResult& result);
  void accept_on(const std::string& agent_id, std::vector<mesos::TaskLaunch>& tasks);
  void handle_outcomes(const TurnResult& result, Clock::time_point now);
  void handle_outcome(const mesos::TaskStatus& status, const db::UpdateOutcome& outcome,
                      Clock::time_point now);
  void give_up_unknown(Clock::time_point now);
  OfferPolicy::Situation situation() const;
  void send_reconciliation(Clock::time_point now);
  void send_kills(Clock::time_point now);
  void want_kill(const db::KillTarget& target);
  void expire_unreachable();
  void kill_past_deadlines(const TurnResult& result);
  void abandon_turn(const TurnWrites& writes);
  void reconcile_after_failed_commit(Clock::time_point now);

  Options options_;
  mesos::MesosConnection& mesos_;
  LeaderPersistence& db_;
  queue::JobQueue queue_;
  LaunchPlanner planner_;
  OfferBook offers_;
  OfferPolicy offer_policy_;
  Reconciler reconciler_;
  AgentBook agents_;
  LiveTasks live_tasks_;
  UpdateBatch updates_;
  CommitHealth commit_health_;
  LaunchGate gate_;
  BulkActionRunner bulk_actions_;
  RetentionSweeper retention_;
  db::SchedulerSettings settings_;
  Stale stale_;
  // A commit failed: it may have been written anyway, so reread the live executions.
  bool commit_outcome_unknown_ = false;
  KillBook kills_;
  DeadlineSweep deadlines_;
  // Executions of this turn's batch ended for an agent unreachable too long: KILLed once
  // committed (a partitioned agent may still run them).
  std::vector<db::KillTarget> expiring_;
  std::optional<std::string> new_framework_id_;
  std::string framework_id_;
  bool subscribed_ = false;
  std::optional<std::string> terminal_error_;
  std::optional<mesos::TerminalErrorKind> terminal_kind_;
  SchedulingCounters counters_;
  LatencySamples latencies_;
};

}  // namespace scale::scheduler
