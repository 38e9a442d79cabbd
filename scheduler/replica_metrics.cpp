#include "scheduler/replica_metrics.h"

#include <sstream>

namespace scale::scheduler {

namespace {

// Integers, not doubles: an ostream prints a double of 1234567 as 1.23457e+06.
void family(std::ostringstream& out, const char* name, const char* type, const char* help,
            long long value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
      << name << ' ' << value << '\n';
}

template <typename T>
long long value(const std::atomic<T>& atomic) {
  return static_cast<long long>(atomic.load(std::memory_order_relaxed));
}

}  // namespace

void ReplicaMetrics::observe(const LatencySamples& samples) {
  std::lock_guard lock(histograms_mutex_);
  for (double s : samples.commit_s) commit_.observe(s);
  for (double s : samples.queue_to_launch_s) queue_to_launch_.observe(s);
  for (double s : samples.update_to_ack_s) update_to_ack_.observe(s);
}

void ReplicaMetrics::set_backlog(size_t queued_jobs, size_t unacknowledged_updates) {
  queued_jobs_.store(queued_jobs, std::memory_order_relaxed);
  unacknowledged_updates_.store(unacknowledged_updates, std::memory_order_relaxed);
}

void ReplicaMetrics::set_launch_gate(bool held, size_t launches_in_flight) {
  launches_held_.store(held, std::memory_order_relaxed);
  launches_in_flight_.store(launches_in_flight, std::memory_order_relaxed);
}

void ReplicaMetrics::set_leader(bool leader, long long epoch) {
  leader_.store(leader, std::memory_order_relaxed);
  if (!leader) {
    set_backlog(0, 0);
    set_launch_gate(false, 0);
    set_mesos_calls({});
  }
  if (leader) epoch_.store(epoch, std::memory_order_relaxed);
}

void ReplicaMetrics::add(const SchedulingCounters& now, const SchedulingCounters& previous) {
  const auto gained = [](uint64_t a, uint64_t b) { return a >= b ? a - b : 0; };
  offers_.fetch_add(gained(now.new_offers, previous.new_offers), std::memory_order_relaxed);
  launches_.fetch_add(gained(now.tasks_launched, previous.tasks_launched),
                      std::memory_order_relaxed);
  updates_.fetch_add(gained(now.task_updates, previous.task_updates), std::memory_order_relaxed);
  acknowledgements_.fetch_add(gained(now.acknowledgements, previous.acknowledgements),
                              std::memory_order_relaxed);
  reconciliation_rounds_.fetch_add(
      gained(now.reconciliation_rounds, previous.reconciliation_rounds), std::memory_order_relaxed);
  jobs_finished_.fetch_add(gained(now.jobs_finished, previous.jobs_finished),
                           std::memory_order_relaxed);
  job_timeouts_.fetch_add(gained(now.job_timeouts, previous.job_timeouts),
                          std::memory_order_relaxed);
  unreachable_expired_.fetch_add(gained(now.unreachable_expired, previous.unreachable_expired),
                                 std::memory_order_relaxed);
  kill_resends_.fetch_add(gained(now.kill_resends, previous.kill_resends),
                          std::memory_order_relaxed);
  retention_deleted_.fetch_add(gained(now.jobs_deleted, previous.jobs_deleted),
                               std::memory_order_relaxed);
  launch_holds_.fetch_add(gained(now.launch_holds, previous.launch_holds),
                          std::memory_order_relaxed);
  redeliveries_.fetch_add(gained(now.redeliveries, previous.redeliveries),
                          std::memory_order_relaxed);
}

std::string ReplicaMetrics::render() const {
  std::ostringstream out;
  family(out, "scale_leader", "gauge", "1 while this replica holds an acting term of leadership.",
         leader_.load(std::memory_order_relaxed) ? 1 : 0);
  family(out, "scale_leader_epoch", "gauge", "Epoch of the last term this replica led.",
         value(epoch_));
  family(out, "scale_terms_started_total", "counter", "Terms of leadership this replica won.",
         value(terms_started_));
  family(out, "scale_fenced_out_writes_total", "counter",
         "Writes refused because a newer term holds the fence.", value(fenced_out_writes_));
  return out.str() + render_scheduling_counters() + render_backlog() + render_mesos_calls() +
         render_histograms();
}

std::string ReplicaMetrics::render_scheduling_counters() const {
  std::ostringstream out;
  family(out, "scale_offers_total", "counter", "Mesos offers received.", value(offers_));
  family(out, "scale_launches_total", "counter", "Tasks launched (ACCEPTed after write-ahead).",
         value(launches_));
  family(out, "scale_task_updates_total", "counter", "Task status updates stored.",
         value(updates_));
  family(out, "scale_acknowledgements_total", "counter",
         "Task status updates acknowledged to Mesos after commit.", value(acknowledgements_));
  family(out, "scale_reconciliation_rounds_total", "counter",
         "Explicit and implicit reconciliation requests sent.", value(reconciliation_rounds_));
  family(out, "scale_jobs_finished_total", "counter",
         "Jobs that reached COMPLETED, FAILED or CANCELED.", value(jobs_finished_));
  family(out, "scale_job_timeouts_total", "counter",
         "Executions killed for running longer than their job's timeout_s.", value(job_timeouts_));
  family(out, "scale_unreachable_expired_total", "counter",
         "Executions ended as lost after --unreachable_timeout_s on an unreachable agent.",
         value(unreachable_expired_));
  family(out, "scale_kill_resends_total", "counter",
         "KILLs sent again because no terminal update followed.", value(kill_resends_));
  family(out, "scale_retention_deleted_jobs_total", "counter",
         "Finished jobs deleted by retention (--retain_finished_days), with their executions.",
         value(retention_deleted_));
  family(out, "scale_status_update_redeliveries_total", "counter",
         "Task status updates Mesos sent again after they were stored: only acknowledged again.",
         value(redeliveries_));
  family(out, "scale_launch_holds_total", "counter", "Times backpressure held launching.",
         value(launch_holds_));
  return out.str();
}

std::string ReplicaMetrics::render_backlog() const {
  std::ostringstream out;
  family(out, "scale_leader_queued_jobs", "gauge",
         "Jobs in the leader's in-memory queue at its last publication.", value(queued_jobs_));
  family(out, "scale_unacknowledged_updates", "gauge",
         "Task status updates received and not acknowledged yet: waiting for their commit, or "
         "their ACKNOWLEDGE queued or in flight.",
         value(unacknowledged_updates_));
  family(out, "scale_launches_in_flight", "gauge",
         "Tasks launched by the leader and not heard of in any status update yet.",
         value(launches_in_flight_));
  family(out, "scale_launches_held", "gauge",
         "1 while backpressure holds launching (--max_unacked_updates, --max_launches_in_flight).",
         launches_held_.load(std::memory_order_relaxed) ? 1 : 0);
  return out.str();
}

std::string ReplicaMetrics::render_mesos_calls() const {
  const mesos::CallLoad load = mesos_calls_.read();
  std::string out;
  const auto gauge = [&](const char* name, const char* help, const auto& values) {
    prometheus::write_family_header(out, name, "gauge", help);
    for (size_t i = 0; i < mesos::kCallLanes; ++i) {
      const char* lane = mesos::to_string(static_cast<mesos::CallLane>(i));
      out += std::string(name) + '{' + prometheus::label_set({{"lane", lane}}) + "} " +
             std::to_string(values[i]) + '\n';
    }
  };
  gauge("scale_mesos_calls_in_flight",
        "Leader's Mesos calls sent to the master with no HTTP answer yet, by lane: acknowledge "
        "(ACKNOWLEDGE), offer (ACCEPT, DECLINE), ordered (KILL, RECONCILE, SUPPRESS, REVIVE, "
        "TEARDOWN). Queued calls are not counted here (scale_mesos_calls_queued).",
        load.in_flight);
  gauge("scale_mesos_calls_queued",
        "Leader's Mesos calls waiting in their lane (window full, or an ordered call behind "
        "ACCEPT/DECLINE answers) or held while the term is not acting, by lane.",
        load.queued);
  return out;
}

std::string ReplicaMetrics::render_histograms() const {
  std::string out;
  std::lock_guard lock(histograms_mutex_);
  const auto histogram = [&](const char* name, const char* help, const prometheus::Histogram& h) {
    prometheus::write_family_header(out, name, "histogram", help);
    prometheus::write_histogram(out, name, "", h);
  };
  histogram("scale_commit_duration_seconds",
            "Each fenced commit of a scheduling turn, failed ones included.", commit_);
  histogram("scale_queue_to_launch_seconds", "From a job's queued time to its ACCEPT.",
            queue_to_launch_);
  histogram("scale_update_to_ack_seconds",
            "From a task status update's arrival to its ACKNOWLEDGE after the commit.",
            update_to_ack_);
  return out;
}

}  // namespace scale::scheduler
