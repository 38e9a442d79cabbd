#include "scheduler/leader.h"

#include <glog/logging.h>

#include "db/error.h"

namespace scale::scheduler {

namespace {

constexpr auto kIntentRereadPeriod = std::chrono::seconds(10);

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

Leader::Leader(const ReplicaOptions& options, cluster::Term& term, LeaderParts parts,
               std::atomic<bool>& promoted, ReplicaMetrics* metrics)
    : options_(options),
      term_(term),
      parts_(std::move(parts)),
      clock_(parts_.clock != nullptr ? *parts_.clock : system_clock_),
      promoted_(promoted),
      metrics_(metrics),
      events_(std::make_shared<EventQueue<Event>>()) {
  // The queue is shared so a callback firing after this Leader is gone pushes into a live queue.
  term_.on_end([events = events_](cluster::TermEndReason) { events->push(TermEnded{}); });
}

Leader::~Leader() {
  stop_scheduling();
  promoted_ = false;
}

long long Leader::ms_since(std::chrono::steady_clock::time_point start) const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start).count();
}

void Leader::stop_scheduling() {
  // Every Mesos call stops at once; then the term's caches go (a later term reloads them).
  if (scheduling_.mesos) scheduling_.mesos->stop();
  scheduling_.core.reset();
  scheduling_.persistence.reset();
  parts_.notifications.reset();
  scheduling_.mesos.reset();
}

LeaderOutcome Leader::run(std::stop_token stop) {
  const LeaderOutcome outcome = lead(stop);
  // No Mesos call after the term's loop is over: the caller may resign before this Leader's
  // slower teardown (threads to join) and a successor may subscribe at once.
  if (scheduling_.mesos) scheduling_.mesos->stop();
  if (outcome != LeaderOutcome::PromotionRefused) record_end(outcome);
  publish_counters();
  if (metrics_) {
    metrics_->set_leader(false, term_.epoch());
    if (outcome == LeaderOutcome::FencedOut) metrics_->fenced_out_write();
  }
  return outcome;
}

LeaderOutcome Leader::interrupted(std::stop_token stop) const {
  if (stopping_ || stop.stop_requested()) return LeaderOutcome::Stopped;
  return term_.ended() ? LeaderOutcome::TermEnded : LeaderOutcome::Stopped;
}

bool Leader::pause(std::chrono::milliseconds delay, std::stop_token stop) {
  if (auto event = events_->pop_until(clock_.now() + delay)) {
    if (std::holds_alternative<Stop>(*event)) stopping_ = true;
  }
  return !stopping_ && !stop.stop_requested() && !term_.ended();
}

LeaderOutcome Leader::lead(std::stop_token stop) {
  std::stop_callback on_stop(stop, [events = events_] { events->push(Stop{}); });
  LOG(INFO) << "leader: term epoch " << term_.epoch() << " won, promoting";
  won_at_ = clock_.now();
  NotifySource* notifications = scheduling() ? parts_.notifications.get() : nullptr;
  if (notifications != nullptr) {
    // LISTEN connects on its own thread while the fence is raised: it only reads notifications,
    // and the state load still waits until it is in place.
    resync_expected_ = !notifications->first_resync_delivered();
    notifications->start([events = events_](const db::Notification& n) {
      events->push(DbWake{n.channel, n.payload});
    });
  }
  Promotion promotion(options_, term_, *parts_.store, notifications, parts_.mesos, clock_,
                      [this, stop](std::chrono::milliseconds delay) { return pause(delay, stop); });
  const auto fence = promotion.raise_fence();
  if (fence == Promotion::Result::Refused) return LeaderOutcome::PromotionRefused;
  if (fence != Promotion::Result::Done) return interrupted(stop);
  promoted_ = true;
  pending_steps_.push_back({"elected", 0});
  step("fenced");
  if (metrics_) {
    metrics_->term_started();
    metrics_->set_leader(true, term_.epoch());
  }
  status_.emplace(options_, term_.epoch(), clock_);
  if (scheduling()) {
    const auto started = promotion.start_scheduling(
        scheduling_, [events = events_](mesos::Notification n) { events->push(std::move(n)); });
    if (started != Promotion::Result::Done) {
      stop_scheduling();
      if (started == Promotion::Result::FencedOut) return LeaderOutcome::FencedOut;
      return interrupted(stop);
    }
    step("state_loaded");
    status_->start_counting(*scheduling_.core);
    published_ = {};  // a new core counts from zero
  }
  return loop(stop);
}

LeaderOutcome Leader::loop(std::stop_token stop) {
  SchedulingCore* const core = scheduling_.core.get();
  auto next_status = clock_.now();
  auto next_reread = clock_.now() + kIntentRereadPeriod;
  while (true) {
    if (stopping_ || stop.stop_requested()) return LeaderOutcome::Stopped;
    if (term_.ended()) return LeaderOutcome::TermEnded;
    if (!turn()) return LeaderOutcome::FencedOut;
    if (core && core->failed_over()) return LeaderOutcome::MesosFailedOver;
    if (core && clock_.now() >= next_reread) {
      // NOTIFY is the fast path; this slow re-read covers a wake-up lost with a connection.
      core->on_settings_changed();
      core->on_nodes_changed();
      core->on_job_actions_changed();
      next_reread = clock_.now() + kIntentRereadPeriod;
    }
    if (clock_.now() >= next_status) {
      if (term_.acting() && !write_status()) return LeaderOutcome::FencedOut;
      next_status = clock_.now() + options_.status_interval;
    }
    auto deadline = next_status;
    // Reconciliation retries are due only while subscribed; otherwise the loop would spin.
    if (core && core->subscribed()) {
      if (auto due = core->next_due()) deadline = std::min(deadline, *due);
    }
    auto event = events_->pop_until(deadline);
    // One loop turn takes every event already queued: one commit for all of them.
    for (int taken = 0; event && taken < 10000; ++taken) {
      handle(std::move(*event));
      event = events_->pop_until(clock_.now());
    }
    if (event) handle(std::move(*event));
  }
}

// A term that is not acting neither writes nor calls Mesos; the fence would refuse a stale one.
bool Leader::turn() {
  SchedulingCore* const core = scheduling_.core.get();
  if (!core || !term_.acting() || core->framework_removed()) return true;
  if (core->turn(clock_.now()) == SchedulingCore::TurnOutcome::FencedOut) return false;
  log_milestones();
  publish_counters();
  return true;
}

bool Leader::write_status() {
  if (!parts_.store->available()) return true;
  std::vector<ReplicaSeen> replicas;
  if (parts_.replicas) replicas = parts_.replicas();
  for (auto& replica : replicas) replica.leader = replica.replica_id == options_.replica_id;
  StatusInputs in = status_->build(scheduling_.core.get(), std::move(replicas));
  try {
    parts_.store->write_status(term_.epoch(), pending_steps_, [&](const StatusFacts& facts) {
      return StatusBuilder::render(in, facts);
    });
    pending_steps_.clear();
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

void Leader::handle(Event event) {
  if (std::holds_alternative<Stop>(event)) {
    stopping_ = true;
  } else if (auto* notification = std::get_if<mesos::Notification>(&event)) {
    if (scheduling_.core) scheduling_.core->on_mesos(std::move(*notification), clock_.now());
  } else if (auto* wake = std::get_if<DbWake>(&event)) {
    on_db_wake(*wake);
  }
}

void Leader::on_db_wake(const DbWake& wake) {
  SchedulingCore* const core = scheduling_.core.get();
  if (!core) return;
  if (wake.channel.empty() || wake.channel == "scale_settings") core->on_settings_changed();
  if (wake.channel.empty() || wake.channel == "scale_nodes") core->on_nodes_changed();
  if (wake.channel.empty() || wake.channel == "scale_job_actions") core->on_job_actions_changed();
  if (wake.channel.empty()) {
    // The source's first "re-read everything" comes before the load, which covers it.
    if (!resync_expected_) core->on_resync();
    resync_expected_ = false;
  }
  if (wake.channel == "scale_jobs") {
    try {
      core->on_jobs_changed({std::stoll(wake.payload)});
    } catch (const std::exception&) {
      LOG(WARNING) << "leader: scale_jobs payload not a job id: " << wake.payload;
    }
  }
}

void Leader::publish_counters() {
  if (!scheduling_.core) return;
  SchedulingCore& core = *scheduling_.core;
  const LatencySamples latencies = core.take_latencies();
  if (!metrics_) return;
  metrics_->add(core.counters(), published_);
  published_ = core.counters();
  metrics_->observe(latencies);
  const LaunchLoad load = core.launch_load();
  metrics_->set_backlog(core.queue().size(), load.unacknowledged_updates);
  metrics_->set_launch_gate(core.launch_gate().held(), load.launches_in_flight);
  if (scheduling_.mesos) metrics_->set_mesos_calls(scheduling_.mesos->call_load());
}

void Leader::log_milestones() {
  const SchedulingCore& core = *scheduling_.core;
  if (!logged_subscribed_ && core.subscribed()) {
    logged_subscribed_ = true;
    step("subscribed");
    LOG(INFO) << "promotion: subscribed as framework " << core.framework_id() << " "
              << ms_since(won_at_) << " ms after winning the term";
  }
  if (!logged_ready_ && core.ready_to_launch()) {
    logged_ready_ = true;
    step("reconciled");
    LOG(INFO) << "promotion: reconciled, launching from " << ms_since(won_at_)
              << " ms after winning the term";
  }
  if (!logged_first_launch_ && core.counters().tasks_launched > 0) {
    logged_first_launch_ = true;
    step("first_launch");
  }
}

void Leader::step(const char* name) {
  pending_steps_.push_back({name, ms_since(won_at_)});
}

void Leader::record_end(LeaderOutcome outcome) {
  const char* reason = nullptr;
  switch (outcome) {
    case LeaderOutcome::TermEnded:
      switch (term_.end_reason()) {
        case cluster::TermEndReason::SessionExpired:
          reason = "session expired";
          break;
        case cluster::TermEndReason::SuspendedTooLong:
          reason = "disconnected too long";
          break;
        case cluster::TermEndReason::NodeDeleted:
          reason = "election node deleted";
          break;
        default:
          reason = "resigned";
      }
      break;
    case LeaderOutcome::Stopped:
      reason = "resigned";
      break;
    case LeaderOutcome::FencedOut:
      reason = "fenced out";
      break;
    case LeaderOutcome::MesosFailedOver:
      reason = "framework failed over";
      break;
    case LeaderOutcome::PromotionRefused:
      return;
  }
  parts_.store->record_end(term_.epoch(), reason);
}

}  // namespace scale::scheduler
