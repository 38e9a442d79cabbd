#include "scheduler/status_builder.h"

#include <algorithm>
#include <unordered_map>

namespace scale::scheduler {

namespace {

// A turn's commit this slow holds back launches and acknowledgements noticeably.
constexpr auto kDatabaseSlow = std::chrono::milliseconds(1000);

}  // namespace

StatusBuilder::StatusBuilder(const ReplicaOptions& options, long long epoch, const Clock& clock)
    : options_(options),
      epoch_(epoch),
      clock_(clock),
      term_started_(clock.wall()),
      last_counters_at_(clock.now()) {}

void StatusBuilder::start_counting(const SchedulingCore& core) {
  last_counters_ = core.counters();
  last_counters_at_ = clock_.now();
}

StatusInputs StatusBuilder::build(SchedulingCore* core, std::vector<ReplicaSeen> replicas) {
  StatusInputs in;
  in.now = clock_.wall();
  in.hostname = options_.hostname;
  in.master = options_.mesos_master;
  in.leader_replica_id = options_.replica_id;
  in.leader_api_url = options_.advertise_url;
  in.epoch = epoch_;
  in.term_started = term_started_;
  in.replicas = std::move(replicas);
  if (core != nullptr) fill_scheduling(in, *core);
  return in;
}

std::string StatusBuilder::render(StatusInputs in, const StatusFacts& facts) {
  in.paused = facts.paused;
  for (const auto& term : facts.terms) {
    TermSeen seen{term.epoch, term.replica_id, term.started, term.ended, term.end_reason, {}};
    for (const auto& step : term.steps) seen.steps.emplace_back(step.name, step.ms);
    in.terms.push_back(std::move(seen));
  }
  if (in.framework_id.empty()) in.framework_id = facts.framework_id;
  std::unordered_map<std::string, NodeStatus*> by_agent;
  for (auto& node : in.nodes) by_agent[node.agent_id] = &node;
  for (const auto& counts : facts.recent) {
    const auto found = by_agent.find(counts.agent_id);
    if (found == by_agent.end()) continue;
    found->second->completed_tasks = counts.completed;
    found->second->failed_tasks = counts.failed;
  }
  return render_status_document(in);
}

void StatusBuilder::fill_scheduling(StatusInputs& in, SchedulingCore& core) {
  const auto now = clock_.now();
  const auto& counters = core.counters();
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
  in.framework_id = core.framework_id();
  in.num_offers = static_cast<long long>(core.num_offers());
  in.paused = core.paused();
  fill_nodes(in, core.agents());
  update_warnings(core, in.now);
  in.warnings = warnings_;
}

void StatusBuilder::fill_nodes(StatusInputs& in, const std::vector<AgentView>& agents) {
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
      // running + offered + free + unavailable = total, as in Scale. What runs none of our tasks
      // and is not offered to us right now is free capacity, unless the node is paused: then
      // nothing more may run there. (A framework is never told what other frameworks use.)
      const double rest = std::max(0.0, line.total - line.running - line.offered);
      line.free = node.is_paused ? 0 : rest;
      line.unavailable = node.is_paused ? rest : 0;
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

std::vector<StatusBuilder::WantedWarning> StatusBuilder::wanted_warnings(SchedulingCore& core) {
  std::vector<WantedWarning> wanted;
  const std::string& master = options_.mesos_master;
  if (core.framework_removed()) {
    wanted.push_back({"framework_removed", "Framework removed",
                      "Mesos removed the framework (" + core.terminal_error().value_or("") +
                          "); scheduling has stopped. An operator must intervene."});
  } else if (core.terminal_error() && !core.failed_over()) {
    // A refused SUBSCRIBE (401 for a wrong secret, 400 for a bad FrameworkInfo) is not retried:
    // the same request would be refused again.
    wanted.push_back({"mesos_subscription_refused", "Mesos refused the subscription",
                      "The Mesos master " + master + " refused the subscription (" +
                          *core.terminal_error() +
                          "); scheduling has stopped. Fix the configuration (for 401: "
                          "--mesos_principal and --mesos_secret_file) and restart the replicas."});
  } else if (!core.subscribed()) {
    wanted.push_back({"mesos_not_subscribed", "No Mesos subscription",
                      "The leader is not subscribed to the Mesos master " + master +
                          "; no new jobs can be launched."});
  }
  const DbHealth db = core.take_db_health();
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
  if (core.launch_gate().held()) {
    wanted.push_back({"launches_held", "Launches held (backpressure)",
                      "Launching waits while Mesos status updates are acknowledged: " +
                          core.launch_gate().reason() +
                          ". Queued jobs launch again on their own (--max_unacked_updates, "
                          "--max_launches_in_flight)."});
  }
  if (core.offers_unusable_since(clock_.now())) {
    wanted.push_back({"offers_unusable", "Offers unusable",
                      "Holding " + std::to_string(core.num_offers()) + " offer(s) while none of " +
                          std::to_string(core.queued_jobs()) +
                          " queued job(s) fits them: compare job resources with the node sizes "
                          "and check for paused nodes."});
  }
  return wanted;
}

void StatusBuilder::update_warnings(SchedulingCore& core,
                                    std::chrono::system_clock::time_point now) {
  std::vector<StatusWarning> next;
  for (const auto& want : wanted_warnings(core)) {
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
