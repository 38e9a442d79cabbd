#include "scheduler/scheduling_core.h"

#include <glog/logging.h>

#include <map>

namespace scale::scheduler {

namespace {

OfferPolicy::Options policy_options(const SchedulingCore::Options& options) {
  return {options.role,
          options.refuse_seconds_paused,
          options.refuse_seconds_idle,
          options.suppress_after,
          options.offer_hold,
          options.offer_hold_reconciling};
}

}  // namespace

queue::QueuedJob SchedulingCore::to_queued(const db::QueueEntry& entry) {
  return {entry.job_id, entry.priority, entry.queued_at_us, entry.resources};
}

SchedulingCore::SchedulingCore(Options options, mesos::MesosConnection& mesos,
                               LeaderPersistence& db)
    : options_(std::move(options)),
      mesos_(mesos),
      db_(db),
      planner_(options_.offers_unusable_after),
      offer_policy_(policy_options(options_), mesos),
      reconciler_(options_.reconciler),
      gate_(options_.launch_gate),
      bulk_actions_(options_.bulk_batch_size),
      retention_(options_.retention),
      kills_(options_.kills),
      deadlines_(options_.deadline_sweep) {}

std::optional<SchedulingCore::Clock::time_point> SchedulingCore::next_due() const {
  // Updates left for a later commit (UpdateBatch::kPerCommit) are stored at the next turn.
  if (updates_.has_untaken()) return Clock::now();
  std::optional<Clock::time_point> due = reconciler_.next_due();
  // Acknowledgements land on the transport's thread without an event: while launches are held,
  // look again soon whether they may resume.
  const auto gate_due =
      gate_.held() ? std::optional<Clock::time_point>(Clock::now() + std::chrono::milliseconds(50))
                   : std::nullopt;
  for (const auto& next :
       {kills_.next_due(), deadlines_.next_due(), bulk_actions_.next_due(), gate_due}) {
    if (next && (!due || *next < *due)) due = next;
  }
  return due;
}

void SchedulingCore::load(const db::LeaderState& state,
                          std::optional<std::string> stored_framework_id,
                          const db::SchedulerSettings& settings) {
  framework_id_ = stored_framework_id.value_or("");
  // Resources are not loaded with the execution; running totals start from new launches.
  for (const auto& execution : state.executions)
    live_tasks_.add_if_new(execution.task_id, execution.job_id, execution.agent_id);
  agents_.load(state.agents);  // cluster_resources reflects this term's view from its first commit
  for (const auto& target : state.to_kill) want_kill(target);
  apply_settings(settings);
}

void SchedulingCore::apply_settings(const db::SchedulerSettings& settings) {
  if (settings_.is_paused && !settings.is_paused) offer_policy_.want_revive();
  settings_ = settings;
  queue_.set_mode(queue::queue_mode_from(settings.queue_mode).value_or(queue::QueueMode::Fifo));
}

void SchedulingCore::on_mesos(mesos::Notification notification, Clock::time_point now) {
  if (auto* event = std::get_if<mesos::Event>(&notification)) {
    on_event(*event, now);
  } else if (auto* lost = std::get_if<mesos::Disconnected>(&notification)) {
    LOG(WARNING) << "leader: Mesos subscription lost: " << lost->reason;
    subscribed_ = false;
    offers_.clear();  // offers die with the subscription
  } else if (auto* terminal = std::get_if<mesos::TerminalError>(&notification)) {
    on_terminal(*terminal);
  } else if (auto* rejected = std::get_if<mesos::CallRejected>(&notification)) {
    if (rejected->http_status == 0) {
      LOG(WARNING) << "leader: Mesos " << mesos::to_string(rejected->call_type)
                   << " got no answer: " << rejected->body;
    } else {
      LOG(WARNING) << "leader: Mesos rejected " << mesos::to_string(rejected->call_type) << " ("
                   << rejected->http_status << "): " << rejected->body;
    }
  }
}

void SchedulingCore::on_terminal(const mesos::TerminalError& terminal) {
  LOG(ERROR) << "leader: Mesos client stopped: " << terminal.message;
  terminal_error_ = terminal.message;
  terminal_kind_ = terminal.kind;
  subscribed_ = false;
  offers_.clear();
}

void SchedulingCore::on_event(const mesos::Event& event, Clock::time_point now) {
  switch (event.type) {
    case mesos::EventType::Subscribed:
      on_subscribed(event.subscribed, now);
      break;
    case mesos::EventType::Offers:
      counters_.new_offers += event.offers.size();
      offers_.add(event.offers, now);
      for (const auto& offer : event.offers) agents_.note_offer(offer);
      break;
    case mesos::EventType::Rescind:
      offers_.rescind(event.rescinded_offer_id);
      break;
    case mesos::EventType::Update:
      on_update(event.status);
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

void SchedulingCore::on_failure(const mesos::FailureEvent& failure) {
  // With an executor id it is an executor that ended; its tasks' updates follow on their own.
  // Without one, the agent was removed: its tasks come back as LOST/GONE updates, and it gets no
  // more placements until it offers again.
  if (failure.agent_id.empty() || !failure.executor_id.empty()) return;
  LOG(WARNING) << "leader: agent " << failure.agent_id << " removed from the cluster";
  offers_.take(failure.agent_id);  // already rescinded by Mesos; never decline them
  agents_.remove(failure.agent_id);
}

void SchedulingCore::on_subscribed(const mesos::SubscribedEvent& subscribed,
                                   Clock::time_point now) {
  LOG(INFO) << "leader: subscribed as framework " << subscribed.framework_id << ", reconciling "
            << live_tasks_.size() << " task(s)";
  subscribed_ = true;
  offer_policy_.on_subscribed(now);
  if (subscribed.framework_id != framework_id_) new_framework_id_ = subscribed.framework_id;
  framework_id_ = subscribed.framework_id;
  reconciler_.start(live_tasks_.to_reconcile(), now);
}

void SchedulingCore::on_jobs_changed(const std::vector<long long>& job_ids) {
  stale_.jobs.insert(job_ids.begin(), job_ids.end());
}

void SchedulingCore::queue_job(const queue::QueuedJob& job) {
  if (queue_.insert(job)) offer_policy_.want_revive();
}

void SchedulingCore::refresh_intents() {
  if (stale_.settings) {
    apply_settings(db_.settings());
    stale_.settings = false;
  }
  if (stale_.nodes) {
    agents_.merge_stored(db_.agents());
    stale_.nodes = false;
  }
  if (stale_.queue) reload_queue();
  if (!stale_.jobs.empty()) refresh_jobs();
}

void SchedulingCore::reload_queue() {
  std::vector<queue::QueuedJob> jobs;
  for (const auto& entry : db_.queued_jobs()) jobs.push_back(to_queued(entry));
  LOG(INFO) << "leader: queue rebuilt from the database: " << jobs.size() << " job(s)";
  queue_.load(std::move(jobs));
  stale_.queue = false;
  offer_policy_.want_revive();
}

void SchedulingCore::refresh_jobs() {
  const auto changes = db_.jobs({stale_.jobs.begin(), stale_.jobs.end()});
  bool kill_wanted = false;
  for (const auto& change : changes) {
    if (change.status == db::JobStatus::Queued && !change.cancel_requested) {
      queue_job(to_queued(change.entry));
    } else {
      queue_.remove(change.entry.job_id);  // canceled (or launched) meanwhile
      if (change.status == db::JobStatus::Running && change.cancel_requested) kill_wanted = true;
    }
  }
  if (kill_wanted) {
    for (const auto& target : db_.jobs_to_kill()) want_kill(target);
  }
  stale_.jobs.clear();
}

TurnWrites SchedulingCore::take_writes(Clock::time_point now) {
  TurnWrites writes;
  writes.updates = updates_.take_updates();
  agents_.take_writes(writes);
  writes.framework_id = new_framework_id_;
  const bool held = gate_.observe(launch_load(), now);
  counters_.launch_holds = gate_.holds();
  const bool can_launch = subscribed_ && reconciler_.ready_to_launch() && !settings_.is_paused &&
                          !queue_.empty() && !held;
  const size_t offers = offers_.offers();
  writes.launches = planner_.plan(
      can_launch, queue_,
      can_launch && offers > 0 ? agents_.for_matcher(offers_) : std::vector<queue::AgentOffer>{},
      offers, now);
  // A pass may place more than the bound on launches in flight allows: the highest in the
  // queue's order go now, the rest at a later turn.
  if (writes.launches.size() > gate_.launch_room()) {
    writes.launches.erase(writes.launches.begin() + static_cast<long>(gate_.launch_room()),
                          writes.launches.end());
  }
  return writes;
}

// Bulk actions and retention, each in its own fenced transaction, before the turn reads the jobs
// a batch changed (so a requeued job can launch in this very turn, a canceled one cannot).
void SchedulingCore::run_upkeep(Clock::time_point now) {
  const auto changed = bulk_actions_.run(db_, now);
  if (!changed.empty()) on_jobs_changed(changed);
  counters_.jobs_deleted += retention_.run(db_, now);
}

SchedulingCore::TurnOutcome SchedulingCore::turn(Clock::time_point now) {
  try {
    run_upkeep(now);
    refresh_intents();
  } catch (const db::FencedOut&) {
    return TurnOutcome::FencedOut;
  } catch (const db::Error& e) {
    LOG(WARNING) << "leader: reading intents failed: " << e.what();
  }
  const bool sweep = subscribed_ && deadlines_.take_due(now);
  if (subscribed_) {
    if (commit_outcome_unknown_) reconcile_after_failed_commit(now);
    send_kills(now);
    send_reconciliation(now);
    give_up_unknown(now);
  }
  try {
    if (sweep) expire_unreachable();
  } catch (const db::FencedOut&) {
    return TurnOutcome::FencedOut;
  }
  TurnWrites writes = take_writes(now);
  writes.mark_timeouts = sweep;
  TurnResult result;
  if (!writes.empty()) {
    try {
      auto committed = commit(writes, now);
      if (!committed) return TurnOutcome::Continue;
      result = std::move(*committed);
    } catch (const db::FencedOut&) {
      return TurnOutcome::FencedOut;
    }
  }
  act_on_commit(writes, result, now);
  return TurnOutcome::Continue;
}

// nullopt when the commit failed (the turn is then abandoned); FencedOut passes through.
std::optional<TurnResult> SchedulingCore::commit(const TurnWrites& writes, Clock::time_point now) {
  const auto started = Clock::now();
  try {
    TurnResult result = db_.commit(writes);
    commit_health_.note(Clock::now() - started, nullptr);
    LatencySamples::add(latencies_.commit_s, Clock::now() - started);
    return result;
  } catch (const db::FencedOut&) {
    throw;
  } catch (const db::Error& e) {
    commit_health_.note(Clock::now() - started, &e);
    LatencySamples::add(latencies_.commit_s, Clock::now() - started);
    LOG(WARNING) << "leader: turn commit failed: " << e.what();
    abandon_turn(writes);
    offer_policy_.decline_rest(offers_, situation(), now);
    return std::nullopt;
  }
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
    if (!live_tasks_.add_if_new(execution.task_id, execution.job_id, execution.agent_id)) continue;
    queue_.remove(execution.job_id);
    ++found;
  }
  if (found == 0) return;
  // Rows the failed commit wrote after all: Mesos never got their ACCEPT, so reconciliation
  // finishes them (TASK_UNKNOWN/LOST) and the jobs are retried. Launches wait for the answers.
  LOG(WARNING) << "leader: " << found << " execution(s) written by a commit reported failed;"
               << " reconciling them";
  reconciler_.start(live_tasks_.to_reconcile(), now);
}

void SchedulingCore::abandon_turn(const TurnWrites& writes) {
  // Unacknowledged updates come again from Mesos; reconciliation answers are re-asked. Agents and
  // a new framework id are written on the next turn.
  updates_.clear();
  expiring_.clear();
  agents_.restore(writes);
  if (!writes.launches.empty()) commit_outcome_unknown_ = true;
}

void SchedulingCore::act_on_commit(const TurnWrites& writes, const TurnResult& result,
                                   Clock::time_point now) {
  if (writes.framework_id) new_framework_id_.reset();
  // New agents got node ids (and keep their user's pause flags): pick them up next turn.
  if (!writes.agents.empty()) stale_.nodes = true;
  send_launches(writes, result);
  handle_outcomes(result, now);
  kill_past_deadlines(result);
  offer_policy_.decline_rest(offers_, situation(), now);
  offer_policy_.adjust_suppression(situation(), now);
  send_kills(now);
}

OfferPolicy::Situation SchedulingCore::situation() const {
  return {subscribed_, settings_.is_paused, reconciler_.ready_to_launch(), queue_.empty(),
          gate_.held()};
}

LaunchLoad SchedulingCore::launch_load() const {
  const auto acks = static_cast<size_t>(mesos::CallLane::Acknowledge);
  const mesos::CallLoad calls = mesos_.call_load();
  return {updates_.statuses().size() + calls.in_flight[acks] + calls.queued[acks],
          live_tasks_.unheard()};
}

void SchedulingCore::send_launches(const TurnWrites& writes, const TurnResult& result) {
  std::map<std::string, std::vector<mesos::TaskLaunch>> by_agent;
  for (const auto& [launch, execution] :
       LaunchPlanner::committed(writes.launches, result.launched)) {
    by_agent[launch->agent_id].push_back(LaunchPlanner::task_launch(*launch, *execution));
    if (const auto job = queue_.find(execution->job_id))
      latencies_.add_since_queued(job->queued_seq);
    live_tasks_.add_launched(execution->task_id,
                             {execution->job_id, launch->agent_id, launch->resources, {}, false});
  }
  // Placements left out by record_launches were canceled or launched meanwhile: drop them too.
  for (const auto& launch : writes.launches) queue_.remove(launch.job_id);
  for (auto& [agent_id, tasks] : by_agent) accept_on(agent_id, tasks);
}

void SchedulingCore::accept_on(const std::string& agent_id, std::vector<mesos::TaskLaunch>& tasks) {
  auto held = offers_.take(agent_id);
  if (!held) return;  // cannot happen within one turn; reconciliation would requeue them
  for (auto& task : tasks) {
    for (auto& resource : task.resources) resource.allocation_role = held->allocation_role;
  }
  if (mesos_.accept(held->offer_ids, tasks)) counters_.offers_launched += held->offer_ids.size();
  counters_.tasks_launched += tasks.size();
  counters_.jobs_launched += tasks.size();
}

}  // namespace scale::scheduler
