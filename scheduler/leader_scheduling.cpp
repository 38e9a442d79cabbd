// The Leader's promotion steps after the fence (DESIGN.md section 2) and what the scheduling core
// adds to the status document. Each step is bounded and logged with its duration.
#include <glog/logging.h>

#include <unordered_map>

#include "db/fence.h"
#include "db/framework_store.h"
#include "db/leader_state_loader.h"
#include "db/node_activity.h"
#include "db/scheduler_settings_store.h"
#include "scheduler/db_persistence.h"
#include "scheduler/leader.h"
#include "scheduler/mesos/http_mesos_connection.h"

namespace scale::scheduler {

namespace {

using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

constexpr auto kListenTimeout = std::chrono::seconds(10);
// A turn's commit this slow holds back launches and acknowledgements noticeably.
constexpr auto kDatabaseSlow = std::chrono::milliseconds(1000);
// The window of a node's completed and failed executions in /v6/status/, as in Scale.
constexpr auto kRecentExecutions = std::chrono::hours(3);

}  // namespace

bool Leader::start_scheduling(std::stop_token stop) {
  auto delay = std::chrono::milliseconds(100);
  while (!stopping_ && !stop.stop_requested() && !term_.ended()) {
    if (term_.acting() && listen_and_load()) return true;
    if (outcome_) return false;
    wait_for_retry(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(2000));
  }
  outcome_ = term_.ended() ? LeaderOutcome::TermEnded : LeaderOutcome::Stopped;
  return false;
}

void Leader::start_listener() {
  if (listener_) return;
  listener_ = std::make_unique<NotifyListener>(
      options_.db, leader_channels(),
      [events = events_](db::Connection&, const db::Notification& n) {
        events->push(DbWake{n.channel, n.payload});
      });
}

void Leader::adopt_listener(Standby& standby) {
  if (!standby.listener || !standby.relay) return;
  // Attached before the load (listen_and_load): what the relay dropped until now is in the load.
  relay_ = std::move(standby.relay);
  relay_->attach([events = events_](const db::Notification& n) {
    events->push(DbWake{n.channel, n.payload});
  });
  listener_ = std::move(standby.listener);
  // Its first resync went to the follower; a later one (after a reconnect) must be acted on.
  listener_synced_ = true;
}

bool Leader::listen_and_load() {
  const auto step = Clock::now();
  start_listener();
  // LISTEN before the load: a job submitted meanwhile is in the load or announced after it.
  if (!listener_->wait_listening(kListenTimeout)) {
    LOG(WARNING) << "promotion: LISTEN not in place after " << ms_since(step) << " ms; retrying";
    return false;
  }
  LOG(INFO) << "promotion: LISTEN in " << ms_since(step) << " ms";
  std::optional<std::string> framework_id;
  try {
    framework_id = load_term_state();
  } catch (const db::FencedOut&) {
    outcome_ = LeaderOutcome::FencedOut;
    return false;
  } catch (const db::Error& e) {
    LOG(WARNING) << "promotion: load failed: " << e.what();
    core_.reset();
    persistence_.reset();
    mesos_.reset();
    return false;
  }
  LOG(INFO) << "promotion: subscribing to " << options_.mesos_master
            << (framework_id ? " as framework " + *framework_id : " as a new framework");
  mesos_->start(framework_id,
                [events = events_](mesos::Notification n) { events->push(std::move(n)); });
  return true;
}

std::optional<std::string> Leader::load_term_state() {
  const auto start = Clock::now();
  db::Connection& conn = connection();
  mesos_ = make_mesos_connection(options_, term_);
  persistence_ = std::make_unique<DbPersistence>(
      [this]() -> db::Connection& { return connection(); }, term_.epoch(), options_.mesos_master);
  SchedulingCore::Options core_options;
  core_options.role = options_.role;
  core_options.master = options_.mesos_master;
  core_options.reconciler.unknown_timeout = options_.unknown_task_timeout;
  core_ = std::make_unique<SchedulingCore>(core_options, *mesos_, *persistence_);
  published_ = {};  // a new core counts from zero
  std::vector<queue::QueuedJob> queued;
  db::LeaderState state;
  db::SchedulerSettings settings;
  std::optional<std::string> framework_id;
  // One fenced transaction: a term that already lost the fence learns it here.
  db::Fence::run(conn, term_.epoch(), [&](db::Connection& c) {
    state = db::LeaderStateLoader::load(c, term_.epoch(), [&](const db::QueueEntry& e) {
      queued.push_back({e.job_id,
                        e.priority,
                        e.queued_at_us,
                        {e.resources.cpus, e.resources.mem, e.resources.disk, e.resources.gpus}});
    });
    settings = db::SchedulerSettingsStore::get(c);
    if (auto framework = db::FrameworkStore::get(c)) framework_id = framework->framework_id;
  });
  core_->queue().load(std::move(queued));
  core_->load(state, framework_id, settings);
  last_counters_at_ = Clock::now();
  LOG(INFO) << "promotion: loaded " << state.queued_jobs << " queued job(s), "
            << state.executions.size() << " active execution(s), " << state.agents.size()
            << " agent(s) in " << ms_since(start) << " ms";
  return framework_id;
}

std::unique_ptr<mesos::MesosConnection> Leader::make_mesos_connection(const ReplicaOptions& options,
                                                                      cluster::Term& term) {
  mesos::HttpMesosConnectionOptions mesos_options;
  mesos_options.master = options.mesos_master;
  auto& framework = mesos_options.client.client.framework;
  framework.user = options.framework_user;
  framework.name = options.framework_name;
  framework.roles = {options.role};
  framework.failover_timeout_seconds = static_cast<double>(options.failover_timeout.count());
  framework.hostname = options.hostname;
  framework.webui_url = options.advertise_url;
  framework.principal = options.mesos_principal;
  mesos_options.transport.principal = options.mesos_principal;
  mesos_options.transport.secret = options.mesos_secret.value_or("");
  // Nothing reaches the master unless the term is acting at that very moment: a leader frozen
  // past its session and resumed sends no call, even one that waited in a lane.
  mesos_options.transport.may_send = [&term] { return term.acting(); };
  mesos_options.zk_session_timeout = options.zk_session_timeout;
  return mesos::make_http_mesos_connection(mesos_options);
}

void Leader::fill_scheduling_status(StatusInputs& in) {
  const auto now = Clock::now();
  const auto& counters = core_->counters();
  const double seconds =
      std::max(0.001, std::chrono::duration<double>(now - last_counters_at_).count());
  const uint64_t current[] = {counters.new_offers,     counters.task_updates,
                              counters.tasks_finished, counters.jobs_finished,
                              counters.jobs_launched,  counters.tasks_launched,
                              counters.offers_launched};
  const uint64_t previous[] = {last_counters_.new_offers,     last_counters_.task_updates,
                               last_counters_.tasks_finished, last_counters_.jobs_finished,
                               last_counters_.jobs_launched,  last_counters_.tasks_launched,
                               last_counters_.offers_launched};
  for (size_t i = 0; i < in.metrics.size(); ++i)
    in.metrics[i] = static_cast<double>(current[i] - previous[i]) / seconds;
  last_counters_ = counters;
  last_counters_at_ = now;
  in.framework_id = core_->framework_id();
  in.num_offers = static_cast<long long>(core_->num_offers());
  in.paused = core_->paused();
  fill_nodes(in, core_->agents());
  update_warnings(in.now);
  in.warnings = warnings_;
}

void Leader::fill_nodes(StatusInputs& in, const std::vector<AgentView>& agents) {
  for (const auto& agent : agents) {
    NodeStatus node;
    node.id = agent.record.node_id;
    node.hostname = agent.record.hostname;
    node.agent_id = agent.record.agent_id;
    node.is_active = agent.record.is_active;
    node.is_paused = agent.record.is_paused;
    node.pause_reason = agent.record.pause_reason.value_or("");
    node.num_offers = static_cast<long long>(agent.offers);
    node.running_tasks = static_cast<long long>(agent.running_tasks);
    const double total[] = {agent.record.resources.cpus, agent.record.resources.mem,
                            agent.record.resources.disk, agent.record.resources.gpus};
    const double offered[] = {agent.offered.cpus, agent.offered.mem, agent.offered.disk,
                              agent.offered.gpus};
    const double running[] = {agent.running.cpus, agent.running.mem, agent.running.disk,
                              agent.running.gpus};
    for (size_t i = 0; i < node.resources.size(); ++i) {
      ResourceLine& line = node.resources[i];
      line.total = agent.record.is_active ? total[i] : 0;
      line.offered = offered[i];
      line.running = running[i];
      // What is neither running our tasks nor offered to us: used by others or not yet offered.
      line.unavailable = std::max(0.0, line.total - line.running - line.offered);
      line.free = node.is_paused ? 0 : line.offered;
      ResourceLine& sum = in.resources[i];
      sum.total += line.total;
      sum.offered += line.offered;
      sum.running += line.running;
      sum.unavailable += line.unavailable;
      sum.free += line.free;
    }
    in.nodes.push_back(std::move(node));
  }
}

void Leader::add_recent_executions(db::Connection& conn, StatusInputs& in) {
  if (in.nodes.empty()) return;
  std::unordered_map<std::string, NodeStatus*> by_agent;
  for (auto& node : in.nodes) by_agent[node.agent_id] = &node;
  for (const auto& counts : db::NodeActivity::recent_finished(conn, kRecentExecutions)) {
    const auto found = by_agent.find(counts.agent_id);
    if (found == by_agent.end()) continue;
    found->second->completed_tasks = counts.completed;
    found->second->failed_tasks = counts.failed;
  }
}

std::vector<Leader::WantedWarning> Leader::wanted_warnings() {
  std::vector<WantedWarning> wanted;
  if (core_->framework_removed()) {
    wanted.push_back({"framework_removed", "Framework removed",
                      "Mesos removed the framework (" + core_->terminal_error().value_or("") +
                          "); scheduling has stopped. An operator must intervene."});
  } else if (core_->terminal_error() && !core_->failed_over()) {
    // A refused SUBSCRIBE (401 for a wrong secret, 400 for a bad FrameworkInfo) is not retried:
    // the same request would be refused again.
    wanted.push_back({"mesos_subscription_refused", "Mesos refused the subscription",
                      "The Mesos master " + options_.mesos_master + " refused the subscription (" +
                          *core_->terminal_error() +
                          "); scheduling has stopped. Fix the configuration (for 401: "
                          "--mesos_principal and --mesos_secret_file) and restart the replicas."});
  } else if (!core_->subscribed()) {
    wanted.push_back({"mesos_not_subscribed", "No Mesos subscription",
                      "The leader is not subscribed to the Mesos master " + options_.mesos_master +
                          "; no new jobs can be launched."});
  }
  const DbHealth db = core_->take_db_health();
  if (db.failed_commits > 0) {
    wanted.push_back({"database_errors", "Database writes failing",
                      std::to_string(db.failed_commits) + " of " + std::to_string(db.commits) +
                          " scheduling commits failed since the last status (" + db.last_error +
                          "); nothing is launched or acknowledged until they succeed."});
  } else if (db.slowest_commit >= kDatabaseSlow) {
    wanted.push_back({"database_slow", "Database slow",
                      "A scheduling commit took " + std::to_string(db.slowest_commit.count()) +
                          " ms; launches and acknowledgements wait for it."});
  }
  if (core_->offers_unusable_since(Clock::now())) {
    wanted.push_back({"offers_unusable", "Offers unusable",
                      "Holding " + std::to_string(core_->num_offers()) +
                          " offer(s) while none of " + std::to_string(core_->queued_jobs()) +
                          " queued job(s) fits them: compare job resources with the node sizes "
                          "and check for paused nodes."});
  }
  return wanted;
}

void Leader::update_warnings(std::chrono::system_clock::time_point now) {
  std::vector<StatusWarning> next;
  for (const auto& want : wanted_warnings()) {
    StatusWarning warning{want.name, want.title, want.description, iso8601_utc(now),
                          iso8601_utc(now)};
    for (const auto& old : warnings_) {
      if (old.name == warning.name) warning.started = old.started;  // still the same episode
    }
    next.push_back(std::move(warning));
  }
  warnings_ = std::move(next);
}

}  // namespace scale::scheduler
