#include "scheduler/leader.h"

#include <glog/logging.h>

#include "db/connection.h"
#include "db/fence.h"
#include "db/framework_store.h"
#include "db/leader_state_loader.h"
#include "db/scheduler_settings_store.h"
#include "db/status_store.h"
#include "scheduler/db_persistence.h"
#include "scheduler/log_level.h"
#include "scheduler/mesos/http_mesos_connection.h"
#include "scheduler/status_document.h"

namespace scale::scheduler {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kIntentRereadPeriod = std::chrono::seconds(10);

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

}  // namespace

const char* to_string(LeaderOutcome outcome) {
  switch (outcome) {
    case LeaderOutcome::TermEnded:
      return "term ended";
    case LeaderOutcome::FencedOut:
      return "fenced out";
    case LeaderOutcome::PromotionRefused:
      return "promotion refused";
    case LeaderOutcome::Stopped:
      return "stopped";
    case LeaderOutcome::MesosFailedOver:
      return "framework failed over to another subscriber";
  }
  return "unknown";
}

Leader::Leader(const ReplicaOptions& options, cluster::ZkSession& zk, cluster::Term& term,
               std::atomic<bool>& promoted, ReplicaMetrics* metrics, Standby standby)
    : options_(options),
      zk_(zk),
      term_(term),
      promoted_(promoted),
      metrics_(metrics),
      events_(std::make_shared<EventQueue<Event>>()),
      conn_(std::move(standby.conn)) {
  adopt_listener(standby);
  // The queue is shared so a callback firing after this Leader is gone pushes into a live queue.
  term_.on_end([events = events_](cluster::TermEndReason) { events->push(TermEnded{}); });
}

Leader::~Leader() {
  stop_scheduling();
  promoted_ = false;
}

void Leader::stop_scheduling() {
  // Every Mesos call stops at once; then the term's caches go (a later term reloads them).
  if (mesos_) mesos_->stop();
  core_.reset();
  persistence_.reset();
  listener_.reset();
  mesos_.reset();
}

db::Connection& Leader::connection() {
  if (!ensure_connection()) throw db::Error("database unavailable", "08006");
  return *conn_;
}

bool Leader::ensure_connection() {
  if (conn_ && conn_->ok()) return true;
  try {
    conn_ = std::make_unique<db::Connection>(options_.db);
    db_warned_ = false;
    return true;
  } catch (const db::Error& e) {
    conn_.reset();
    if (!db_warned_) LOG(WARNING) << "leader: database unavailable: " << e.what();
    db_warned_ = true;
    return false;
  }
}

void Leader::wait_for_retry(std::chrono::milliseconds delay) {
  if (auto event = events_->pop_until(Clock::now() + delay)) {
    if (std::holds_alternative<Stop>(*event)) stopping_ = true;
  }
}

bool Leader::promote(std::stop_token stop) {
  const auto start = Clock::now();
  const db::LeaderRecord me{term_.epoch(), options_.replica_id, options_.advertise_url, ""};
  // A standby connection may have sat idle through a database restart: notice that without a
  // round trip and connect afresh instead of failing the first attempt.
  if (conn_ && !conn_->probe()) conn_.reset();
  auto delay = std::chrono::milliseconds(50);
  while (!stopping_ && !stop.stop_requested() && !term_.ended()) {
    if (term_.acting() && ensure_connection()) {
      try {
        const bool won = db::Fence::promote(*conn_, me);
        LOG(INFO) << "promotion: fence epoch " << me.epoch << (won ? " taken" : " refused")
                  << " in " << ms_since(start) << " ms";
        return won;
      } catch (const db::Error& e) {
        LOG(WARNING) << "promotion: " << e.what();
      }
    }
    wait_for_retry(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(1000));
  }
  return false;
}

bool Leader::write_status() {
  if (!ensure_connection()) return true;
  StatusInputs in;
  in.now = std::chrono::system_clock::now();
  in.hostname = options_.hostname;
  in.master = options_.mesos_master;
  in.leader_replica_id = options_.replica_id;
  in.leader_api_url = options_.advertise_url;
  in.epoch = term_.epoch();
  in.term_started = term_started_;
  if (core_) fill_scheduling_status(in);
  for (const auto& candidate : cluster::list_candidates(zk_, options_.election_path)) {
    in.replicas.push_back({candidate.replica_id, candidate.api_url, candidate.hostname,
                           candidate.pid, candidate.replica_id == options_.replica_id});
  }
  try {
    db::Fence::run(*conn_, term_.epoch(), [&](db::Connection& conn) {
      in.paused = db::SchedulerSettingsStore::get(conn).is_paused;
      if (in.framework_id.empty()) {
        if (auto framework = db::FrameworkStore::get(conn))
          in.framework_id = framework->framework_id;
      }
      add_recent_executions(conn, in);
      db::StatusStore::write(conn, term_.epoch(), render_status_document(in));
    });
    db_warned_ = false;
  } catch (const db::FencedOut& e) {
    LOG(WARNING) << "leader: status write fenced out: term epoch " << e.term_epoch()
                 << ", stored epoch " << e.stored_epoch();
    return false;
  } catch (const db::Error& e) {
    if (!db_warned_) LOG(WARNING) << "leader: status write failed: " << e.what();
    db_warned_ = true;
  }
  return true;
}

LeaderOutcome Leader::run(std::stop_token stop) {
  const LeaderOutcome outcome = lead(stop);
  // No Mesos call after the term's loop is over: the caller may resign before this Leader's
  // slower teardown (threads to join) and a successor may subscribe at once.
  if (mesos_) mesos_->stop();
  publish_counters();
  if (metrics_) {
    metrics_->set_leader(false, term_.epoch());
    if (outcome == LeaderOutcome::FencedOut) metrics_->fenced_out_write();
  }
  return outcome;
}

void Leader::publish_counters() {
  if (!metrics_ || !core_) return;
  metrics_->add(core_->counters(), published_);
  published_ = core_->counters();
}

LeaderOutcome Leader::lead(std::stop_token stop) {
  std::stop_callback on_stop(stop, [events = events_] { events->push(Stop{}); });
  LOG(INFO) << "leader: term epoch " << term_.epoch() << " won, promoting";
  promoted_at_ = Clock::now();
  // LISTEN connects on its own thread while the fence is raised: it only reads notifications, and
  // the state load still waits until it is in place (listen_and_load).
  if (!options_.mesos_master.empty()) start_listener();
  if (!promote(stop)) {
    if (stopping_ || stop.stop_requested()) return LeaderOutcome::Stopped;
    return term_.ended() ? LeaderOutcome::TermEnded : LeaderOutcome::PromotionRefused;
  }
  term_started_ = std::chrono::system_clock::now();
  promoted_ = true;
  if (metrics_) {
    metrics_->term_started();
    metrics_->set_leader(true, term_.epoch());
  }
  if (!options_.mesos_master.empty() && !start_scheduling(stop)) {
    stop_scheduling();
    return outcome_.value_or(LeaderOutcome::Stopped);
  }
  auto next_status = Clock::now();
  auto next_reread = Clock::now() + kIntentRereadPeriod;
  while (true) {
    if (stopping_ || stop.stop_requested()) return LeaderOutcome::Stopped;
    if (term_.ended()) return LeaderOutcome::TermEnded;
    if (outcome_) return *outcome_;
    // A suspended leader neither writes nor calls Mesos; the fence would refuse a stale one anyway.
    if (core_ && term_.acting() && !core_->framework_removed()) {
      if (core_->turn(Clock::now()) == SchedulingCore::TurnOutcome::FencedOut)
        return LeaderOutcome::FencedOut;
      if (core_->failed_over()) return LeaderOutcome::MesosFailedOver;
      log_milestones();
      publish_counters();
    }
    if (core_ && Clock::now() >= next_reread) {
      // NOTIFY is the fast path; this slow re-read covers a wake-up lost with a connection.
      core_->on_settings_changed();
      core_->on_nodes_changed();
      next_reread = Clock::now() + kIntentRereadPeriod;
    }
    if (Clock::now() >= next_status) {
      if (term_.acting() && !write_status()) return LeaderOutcome::FencedOut;
      next_status = Clock::now() + options_.status_interval;
    }
    auto deadline = next_status;
    // Reconciliation retries are due only while subscribed; otherwise the loop would spin.
    if (core_ && core_->subscribed()) {
      if (auto due = core_->next_due()) deadline = std::min(deadline, *due);
    }
    auto event = events_->pop_until(deadline);
    // One loop turn takes every event already queued: one commit for all of them.
    for (int taken = 0; event && taken < 10000; ++taken) {
      handle(std::move(*event));
      event = events_->pop_until(Clock::now());
    }
    if (event) handle(std::move(*event));
  }
}

void Leader::handle(Event event) {
  if (std::holds_alternative<Stop>(event)) {
    stopping_ = true;
  } else if (auto* notification = std::get_if<mesos::Notification>(&event)) {
    if (core_) core_->on_mesos(std::move(*notification), Clock::now());
  } else if (auto* wake = std::get_if<DbWake>(&event)) {
    if (!core_) return;
    if (wake->channel.empty() || wake->channel == "scale_settings") core_->on_settings_changed();
    if (wake->channel.empty() || wake->channel == "scale_nodes") core_->on_nodes_changed();
    if (wake->channel.empty()) {
      if (listener_synced_) core_->on_resync();
      listener_synced_ = true;
    }
    if (wake->channel == "scale_jobs") {
      try {
        core_->on_jobs_changed({std::stoll(wake->payload)});
      } catch (const std::exception&) {
        LOG(WARNING) << "leader: scale_jobs payload not a job id: " << wake->payload;
      }
    }
  }
}

void Leader::log_milestones() {
  if (!logged_subscribed_ && core_->subscribed()) {
    logged_subscribed_ = true;
    LOG(INFO) << "promotion: subscribed as framework " << core_->framework_id() << " "
              << ms_since(promoted_at_) << " ms after winning the term";
  }
  if (!logged_ready_ && core_->ready_to_launch()) {
    logged_ready_ = true;
    LOG(INFO) << "promotion: reconciled, launching from " << ms_since(promoted_at_)
              << " ms after winning the term";
  }
}

}  // namespace scale::scheduler
