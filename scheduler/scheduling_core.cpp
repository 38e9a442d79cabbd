#include "scheduler/scheduling_core.h"

#include <glog/logging.h>

#include <algorithm>
#include <map>

namespace scale::scheduler {

namespace {

queue::QueuedJob to_queued(const db::QueueEntry& entry) {
  return {entry.job_id, entry.priority, entry.queued_at_us, entry.resources};
}

db::TaskStatusUpdate to_update(const mesos::TaskStatus& status) {
  auto optional = [](const std::string& text) {
    return text.empty() ? std::nullopt : std::optional<std::string>(text);
  };
  db::TaskStatusUpdate update;
  update.task_id = status.task_id;
  update.state = status.state;
  update.reason = optional(status.reason);
  update.source = optional(status.source);
  update.message = optional(status.message);
  update.uuid = status.uuid;
  update.agent_id = optional(status.agent_id);
  update.timestamp = status.timestamp;
  return update;
}

std::vector<mesos::ScalarResource> launch_resources(const queue::Resources& r,
                                                    const std::string& role) {
  std::vector<mesos::ScalarResource> out;
  const std::pair<const char*, double> all[] = {
      {"cpus", r.cpus}, {"mem", r.mem}, {"disk", r.disk}, {"gpus", r.gpus}};
  for (const auto& [name, value] : all) {
    if (value > 0) out.push_back({name, value, role});
  }
  return out;
}

bool is_finished(db::JobTransition transition) {
  return transition == db::JobTransition::Completed || transition == db::JobTransition::Failed ||
         transition == db::JobTransition::Canceled;
}

}  // namespace

SchedulingCore::SchedulingCore(Options options, mesos::MesosConnection& mesos,
                               LeaderPersistence& db)
    : options_(std::move(options)), mesos_(mesos), db_(db), reconciler_(options_.reconciler) {}

void SchedulingCore::load(const db::LeaderState& state,
                          std::optional<std::string> stored_framework_id,
                          const db::SchedulerSettings& settings) {
  framework_id_ = stored_framework_id.value_or("");
  for (const auto& execution : state.executions) {
    // Resources are not loaded with the execution; running totals start from new launches.
    live_tasks_[execution.task_id] = {execution.job_id, execution.agent_id, {}, {}};
  }
  for (const auto& agent : state.agents) agents_[agent.agent_id] = agent;
  totals_dirty_ = true;  // cluster_resources reflects this term's view from its first commit
  for (const auto& target : state.to_kill)
    pending_kills_.push_back({target.task_id, target.agent_id});
  apply_settings(settings);
}

void SchedulingCore::apply_settings(const db::SchedulerSettings& settings) {
  if (settings_.is_paused && !settings.is_paused) want_revive_ = true;
  settings_ = settings;
  queue_.set_mode(settings.queue_mode == "LIFO" ? queue::QueueMode::Lifo : queue::QueueMode::Fifo);
}

void SchedulingCore::on_mesos(mesos::Notification notification, Clock::time_point now) {
  if (auto* event = std::get_if<mesos::Event>(&notification)) {
    on_event(*event, now);
  } else if (auto* lost = std::get_if<mesos::Disconnected>(&notification)) {
    LOG(WARNING) << "leader: Mesos subscription lost: " << lost->reason;
    subscribed_ = false;
    offers_.clear();  // offers die with the subscription
  } else if (auto* terminal = std::get_if<mesos::TerminalError>(&notification)) {
    LOG(ERROR) << "leader: Mesos client stopped: " << terminal->message;
    terminal_error_ = terminal->message;
    subscribed_ = false;
    offers_.clear();
    if (terminal->kind == mesos::TerminalErrorKind::FailedOver) failed_over_ = true;
    if (terminal->kind == mesos::TerminalErrorKind::FrameworkRemoved) framework_removed_ = true;
  } else if (auto* rejected = std::get_if<mesos::CallRejected>(&notification)) {
    if (rejected->http_status == 0) {
      LOG(WARNING) << "leader: Mesos " << rejected->call_type
                   << " got no answer: " << rejected->body;
    } else {
      LOG(WARNING) << "leader: Mesos rejected " << rejected->call_type << " ("
                   << rejected->http_status << "): " << rejected->body;
    }
  }
}

void SchedulingCore::on_event(const mesos::Event& event, Clock::time_point now) {
  switch (event.type) {
    case mesos::EventType::Subscribed:
      on_subscribed(event.subscribed, now);
      break;
    case mesos::EventType::Offers:
      counters_.new_offers += event.offers.size();
      offers_.add(event.offers, now);
      for (const auto& offer : event.offers) note_agent(offer);
      break;
    case mesos::EventType::Rescind:
      offers_.rescind(event.rescinded_offer_id);
      break;
    case mesos::EventType::Update:
      if (redelivery_of_stored(event.status)) {
        // Stored already (Mesos resends until acknowledged): acknowledge again, write nothing.
        mesos_.acknowledge(event.status);
        break;
      }
      pending_updates_.push_back(to_update(event.status));
      pending_statuses_.push_back(event.status);
      break;
    case mesos::EventType::Failure:
      on_failure(event.failure);
      break;
    case mesos::EventType::Error:
      LOG(WARNING) << "leader: Mesos ERROR: " << event.error_message;
      break;
    default:
      break;
  }
}

bool SchedulingCore::redelivery_of_stored(const mesos::TaskStatus& status) const {
  if (!status.uuid) return false;
  const auto live = live_tasks_.find(status.task_id);
  return live != live_tasks_.end() && live->second.stored_uuid == *status.uuid;
}

void SchedulingCore::note_agent(const mesos::Offer& offer) {
  auto [it, inserted] = agents_.try_emplace(offer.agent_id);
  db::AgentRecord& agent = it->second;
  // Offers hold free resources only: the largest seen approximates the agent's total.
  const auto offered = OfferBook::scalar_resources(offer);
  const db::Resources total = db::component_max(agent.resources, offered);
  const bool changed =
      inserted || !agent.is_active || total != agent.resources || agent.hostname != offer.hostname;
  agent.agent_id = offer.agent_id;
  agent.hostname = offer.hostname;
  agent.is_active = true;
  agent.resources = total;
  // Written only when something changed: an unchanged agent costs no write per offer.
  if (changed) {
    agents_to_write_.push_back({offer.agent_id, offer.hostname, total});
    totals_dirty_ = true;
  }
}

void SchedulingCore::on_failure(const mesos::FailureEvent& failure) {
  // With an executor id it is an executor that ended; its tasks' updates follow on their own.
  // Without one, the agent was removed: its tasks come back as LOST/GONE updates, and it gets no
  // more placements until it offers again.
  if (failure.agent_id.empty() || !failure.executor_id.empty()) return;
  LOG(WARNING) << "leader: agent " << failure.agent_id << " removed from the cluster";
  offers_.take(failure.agent_id);  // already rescinded by Mesos; never decline them
  const auto found = agents_.find(failure.agent_id);
  if (found == agents_.end() || !found->second.is_active) return;
  found->second.is_active = false;
  agents_gone_.push_back(failure.agent_id);
  totals_dirty_ = true;
}

void SchedulingCore::on_subscribed(const mesos::SubscribedEvent& subscribed,
                                   Clock::time_point now) {
  LOG(INFO) << "leader: subscribed as framework " << subscribed.framework_id << ", reconciling "
            << live_tasks_.size() << " task(s)";
  subscribed_ = true;
  suppressed_ = false;  // a new subscription starts unsuppressed
  runnable_at_ = now;
  if (subscribed.framework_id != framework_id_) new_framework_id_ = subscribed.framework_id;
  framework_id_ = subscribed.framework_id;
  std::vector<Reconciler::Task> tasks;
  tasks.reserve(live_tasks_.size());
  for (const auto& [task_id, task] : live_tasks_) tasks.push_back({task_id, task.agent_id});
  reconciler_.start(std::move(tasks), now);
}

void SchedulingCore::on_jobs_changed(const std::vector<long long>& job_ids) {
  changed_jobs_.insert(job_ids.begin(), job_ids.end());
}

void SchedulingCore::refresh_intents() {
  if (settings_dirty_) {
    apply_settings(db_.settings());
    settings_dirty_ = false;
  }
  if (nodes_dirty_) {
    for (const auto& record : db_.agents()) {
      auto [it, inserted] = agents_.try_emplace(record.agent_id, record);
      if (inserted) continue;
      auto& agent = it->second;
      agent.node_id = record.node_id;
      agent.agent_id = record.agent_id;
      agent.is_paused = record.is_paused;
      agent.pause_reason = record.pause_reason;
      if (agent.hostname.empty()) agent.hostname = record.hostname;
    }
    nodes_dirty_ = false;
  }
  if (queue_dirty_) {
    std::vector<queue::QueuedJob> jobs;
    for (const auto& entry : db_.queued_jobs()) jobs.push_back(to_queued(entry));
    LOG(INFO) << "leader: queue rebuilt from the database: " << jobs.size() << " job(s)";
    queue_.load(std::move(jobs));
    queue_dirty_ = false;
    want_revive_ = true;
  }
  if (changed_jobs_.empty()) return;
  const auto changes = db_.jobs({changed_jobs_.begin(), changed_jobs_.end()});
  bool kill_wanted = false;
  for (const auto& change : changes) {
    if (change.status == db::JobStatus::Queued && !change.cancel_requested) {
      if (queue_.insert(to_queued(change.entry))) want_revive_ = true;
    } else {
      queue_.remove(change.entry.job_id);  // canceled (or launched) meanwhile
      if (change.status == db::JobStatus::Running && change.cancel_requested) kill_wanted = true;
    }
  }
  if (kill_wanted) {
    for (const auto& target : db_.jobs_to_kill())
      pending_kills_.push_back({target.task_id, target.agent_id});
  }
  changed_jobs_.clear();
}

std::vector<queue::AgentOffer> SchedulingCore::matcher_agents() const {
  std::map<std::string, queue::Resources> offered;
  for (const auto& agent : offers_.available()) offered[agent.agent_id] = agent.available;
  std::vector<queue::AgentOffer> out;
  out.reserve(agents_.size());
  for (const auto& [agent_id, record] : agents_) {
    if (!record.is_active) continue;
    const auto found = offered.find(agent_id);
    out.push_back({agent_id, found == offered.end() ? queue::Resources{} : found->second,
                   record.resources, record.is_paused});
  }
  return out;
}

void SchedulingCore::plan_launches(TurnWrites& writes, Clock::time_point now) {
  if (!subscribed_ || !reconciler_.ready_to_launch() || settings_.is_paused || queue_.empty()) {
    unusable_since_.reset();  // nothing is expected to run: offers are not the problem
    return;
  }
  if (offers_.offers() == 0) return;
  const auto pass = matcher_.run_pass(queue_, matcher_agents(), false);
  for (const auto& placement : pass.placements)
    writes.launches.push_back({placement.job_id, placement.agent_id, placement.resources});
  if (!pass.placements.empty()) {
    unusable_since_.reset();
  } else if (!unusable_since_) {
    unusable_since_ = now;
  }
}

TurnWrites SchedulingCore::take_writes() {
  TurnWrites writes;
  writes.updates = std::move(pending_updates_);
  writes.agents = std::move(agents_to_write_);
  writes.agents_gone = std::move(agents_gone_);
  writes.framework_id = new_framework_id_;
  if (totals_dirty_) writes.cluster_totals = active_totals();
  pending_updates_.clear();
  agents_to_write_.clear();
  agents_gone_.clear();
  totals_dirty_ = false;
  return writes;
}

SchedulingCore::TurnOutcome SchedulingCore::turn(Clock::time_point now) {
  try {
    refresh_intents();
  } catch (const db::FencedOut&) {
    return TurnOutcome::FencedOut;
  } catch (const db::Error& e) {
    LOG(WARNING) << "leader: reading intents failed: " << e.what();
  }
  if (subscribed_) {
    if (commit_outcome_unknown_) reconcile_after_failed_commit(now);
    send_kills();
    send_reconciliation(now);
    give_up_unknown(now);
  }
  TurnWrites writes = take_writes();
  plan_launches(writes, now);
  TurnResult result;
  if (!writes.empty()) {
    const auto started = Clock::now();
    try {
      result = db_.commit(writes);
      note_commit(Clock::now() - started, nullptr);
    } catch (const db::FencedOut&) {
      return TurnOutcome::FencedOut;
    } catch (const db::Error& e) {
      note_commit(Clock::now() - started, &e);
      LOG(WARNING) << "leader: turn commit failed: " << e.what();
      abandon_turn(writes);
      decline_rest(now);
      return TurnOutcome::Continue;
    }
  }
  act_on_commit(writes, result, now);
  return TurnOutcome::Continue;
}

void SchedulingCore::reconcile_after_failed_commit(Clock::time_point now) {
  std::vector<db::ActiveExecution> active;
  try {
    active = db_.active_executions();
  } catch (const db::Error&) {
    return;  // still unreachable: next turn
  }
  commit_outcome_unknown_ = false;
  size_t found = 0;
  for (const auto& execution : active) {
    if (live_tasks_.count(execution.task_id)) continue;
    live_tasks_[execution.task_id] = {execution.job_id, execution.agent_id, {}, {}};
    queue_.remove(execution.job_id);
    ++found;
  }
  if (found == 0) return;
  // Rows the failed commit wrote after all: Mesos never got their ACCEPT, so reconciliation
  // finishes them (TASK_UNKNOWN/LOST) and the jobs are retried. Launches wait for the answers.
  LOG(WARNING) << "leader: " << found << " execution(s) written by a commit reported failed;"
               << " reconciling them";
  std::vector<Reconciler::Task> tasks;
  for (const auto& [task_id, task] : live_tasks_) tasks.push_back({task_id, task.agent_id});
  reconciler_.start(std::move(tasks), now);
}

void SchedulingCore::abandon_turn(const TurnWrites& writes) {
  // Unacknowledged updates come again from Mesos; reconciliation answers are re-asked. Agents and
  // a new framework id are written on the next turn.
  pending_statuses_.clear();
  agents_to_write_.insert(agents_to_write_.end(), writes.agents.begin(), writes.agents.end());
  agents_gone_.insert(agents_gone_.end(), writes.agents_gone.begin(), writes.agents_gone.end());
  if (writes.cluster_totals) totals_dirty_ = true;
  if (!writes.launches.empty()) commit_outcome_unknown_ = true;
}

void SchedulingCore::act_on_commit(const TurnWrites& writes, const TurnResult& result,
                                   Clock::time_point now) {
  if (writes.framework_id) new_framework_id_.reset();
  // New agents got node ids (and keep their user's pause flags): pick them up next turn.
  if (!writes.agents.empty()) nodes_dirty_ = true;
  send_launches(writes, result);
  handle_outcomes(result, now);
  decline_rest(now);
  adjust_suppression(now);
  send_kills();
}

void SchedulingCore::send_launches(const TurnWrites& writes, const TurnResult& result) {
  std::unordered_map<long long, const db::Launch*> launch_of;
  for (const auto& launch : writes.launches) launch_of.emplace(launch.job_id, &launch);
  std::map<std::string, std::vector<mesos::TaskLaunch>> by_agent;
  for (const auto& launched : result.launched) {
    const db::Launch& launch = *launch_of.at(launched.job_id);
    mesos::TaskLaunch task;
    task.task_id = launched.task_id;
    task.agent_id = launch.agent_id;
    task.name = launched.name;
    task.command = launched.command;
    // The role is the offer's; filled in below once the agent's offers are taken.
    task.resources = launch_resources(launch.resources, "");
    by_agent[launch.agent_id].push_back(std::move(task));
    live_tasks_[launched.task_id] = {launched.job_id, launch.agent_id, launch.resources, {}};
  }
  // Placements left out by record_launches were canceled or launched meanwhile: drop them too.
  for (const auto& launch : writes.launches) queue_.remove(launch.job_id);
  for (auto& [agent_id, tasks] : by_agent) {
    auto held = offers_.take(agent_id);
    if (!held) continue;  // cannot happen within one turn; reconciliation would requeue them
    for (auto& task : tasks) {
      for (auto& resource : task.resources) resource.allocation_role = held->allocation_role;
    }
    if (mesos_.accept(held->offer_ids, tasks)) counters_.offers_launched += held->offer_ids.size();
    counters_.tasks_launched += tasks.size();
    counters_.jobs_launched += tasks.size();
  }
}

// Tasks the master kept calling TASK_UNKNOWN for the reconciler's whole patience (their agent never
// re-registered) are finished as lost, through the same path as a Mesos update, so their jobs are
// retried. Should one turn up after all, the database no longer knows it as live: it is killed.
void SchedulingCore::give_up_unknown(Clock::time_point now) {
  for (const auto& task : reconciler_.take_given_up(now)) {
    LOG(WARNING) << "leader: task " << task.task_id
                 << " stayed unknown to the Mesos master; finishing it as lost";
    mesos::TaskStatus lost;
    lost.task_id = task.task_id;
    lost.agent_id = task.agent_id;
    lost.state = "TASK_LOST";
    lost.source = "SOURCE_SCHEDULER";
    lost.reason = "REASON_RECONCILIATION";
    lost.message = "unknown to the Mesos master (its agent never re-registered)";
    pending_updates_.push_back(to_update(lost));
    pending_statuses_.push_back(std::move(lost));
  }
}

void SchedulingCore::handle_outcomes(const TurnResult& result, Clock::time_point now) {
  const size_t count = std::min(result.outcomes.size(), pending_statuses_.size());
  for (size_t i = 0; i < count; ++i) {
    const auto& status = pending_statuses_[i];
    const auto& outcome = result.outcomes[i];
    // Committed: safe to let Mesos forget it.
    if (mesos_.acknowledge(status)) ++counters_.acknowledgements;
    // Only a task the leader tracks is asked about again; another one is killed, or done.
    const bool live = live_tasks_.count(status.task_id) > 0;
    reconciler_.answered(status.task_id,
                         live ? Reconciler::answer_of(status.state) : Reconciler::Answer::Settled,
                         status.agent_id, now);
    ++counters_.task_updates;
    if (mesos::is_terminal_task_state(status.state)) {
      ++counters_.tasks_finished;
      live_tasks_.erase(status.task_id);
    } else if (auto live = live_tasks_.find(status.task_id);
               status.uuid && live != live_tasks_.end()) {
      live->second.stored_uuid = *status.uuid;
    }
    if (is_finished(outcome.transition)) ++counters_.jobs_finished;
    if (outcome.requeued && queue_.insert(to_queued(*outcome.requeued))) want_revive_ = true;
    if (outcome.kill) {
      LOG(INFO) << "leader: killing task " << status.task_id << " unknown to the database";
      pending_kills_.push_back({status.task_id, status.agent_id});
    }
  }
  pending_statuses_.clear();
}

void SchedulingCore::decline_rest(Clock::time_point now) {
  const bool idle = !settings_.is_paused && reconciler_.ready_to_launch() && queue_.empty();
  const bool reconciling = subscribed_ && !settings_.is_paused && !reconciler_.ready_to_launch();
  const auto rest = idle          ? offers_.take_older_than(now - options_.offer_hold)
                    : reconciling ? offers_.take_older_than(now - options_.offer_hold_reconciling)
                                  : offers_.take_all();
  if (rest.empty()) return;
  double refuse = 1;  // waiting for reconciliation: ask again soon
  if (settings_.is_paused) {
    refuse = options_.refuse_seconds_paused;
  } else if (reconciler_.ready_to_launch() || queue_.empty()) {
    refuse = options_.refuse_seconds_idle;
  }
  // One DECLINE for many agents' offers (the call allows it): a call per agent made every
  // allocation round with little work queued a storm of calls.
  constexpr size_t kOffersPerDecline = 1000;
  std::vector<std::string> ids;
  for (const auto& agent : rest) {
    ids.insert(ids.end(), agent.offer_ids.begin(), agent.offer_ids.end());
    if (ids.size() < kOffersPerDecline) continue;
    mesos_.decline(ids, refuse);
    ids.clear();
  }
  if (!ids.empty()) mesos_.decline(ids, refuse);
}

void SchedulingCore::adjust_suppression(Clock::time_point now) {
  if (!subscribed_) return;
  const bool nothing_runnable = settings_.is_paused || queue_.empty();
  if (nothing_runnable) {
    want_revive_ = false;
    if (!suppressed_ && now - runnable_at_ >= options_.suppress_after &&
        mesos_.suppress({options_.role})) {
      suppressed_ = true;
    }
    return;
  }
  runnable_at_ = now;
  if ((suppressed_ || want_revive_) && mesos_.revive({options_.role})) {
    suppressed_ = false;
    want_revive_ = false;
  }
}

void SchedulingCore::send_reconciliation(Clock::time_point now) {
  const auto due = reconciler_.poll(now);
  if (!due.explicit_tasks.empty()) {
    std::vector<mesos::TaskToReconcile> tasks;
    tasks.reserve(due.explicit_tasks.size());
    for (const auto& task : due.explicit_tasks) tasks.push_back({task.task_id, task.agent_id});
    LOG(INFO) << "leader: explicit reconciliation of " << tasks.size() << " task(s)";
    mesos_.reconcile(tasks);
    ++counters_.reconciliation_rounds;
  }
  if (due.implicit) {
    LOG(INFO) << "leader: implicit reconciliation";
    mesos_.reconcile({});
    ++counters_.reconciliation_rounds;
  }
}

void SchedulingCore::send_kills() {
  if (!subscribed_) return;
  for (const auto& [task_id, agent_id] : pending_kills_) mesos_.kill(task_id, agent_id);
  pending_kills_.clear();
}

}  // namespace scale::scheduler
