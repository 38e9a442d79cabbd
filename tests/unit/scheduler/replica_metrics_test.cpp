#include "scheduler/replica_metrics.h"

#include <gtest/gtest.h>

namespace scale::scheduler {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(ReplicaMetrics, RendersEveryFamilyWithHelpAndType) {
  ReplicaMetrics metrics;
  const std::string text = metrics.render();
  for (const char* name :
       {"scale_leader", "scale_leader_epoch", "scale_terms_started_total",
        "scale_fenced_out_writes_total", "scale_offers_total", "scale_launches_total",
        "scale_task_updates_total", "scale_acknowledgements_total",
        "scale_reconciliation_rounds_total", "scale_jobs_finished_total"}) {
    EXPECT_NE(text.find(std::string("# HELP ") + name + " "), std::string::npos) << name;
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
    EXPECT_TRUE(has_line(text, std::string(name) + " 0")) << name << "\n" << text;
  }
}

TEST(ReplicaMetrics, MesosCallsInFlightAndQueuedAreGaugesByLaneZeroOffTheLead) {
  ReplicaMetrics metrics;
  std::string text = metrics.render();
  EXPECT_TRUE(has_line(text, "# TYPE scale_mesos_calls_in_flight gauge")) << text;
  EXPECT_TRUE(has_line(text, "scale_mesos_calls_in_flight{lane=\"acknowledge\"} 0")) << text;
  metrics.set_leader(true, 3);
  mesos::CallLoad load;
  load.in_flight = {40, 2, 1};
  load.queued = {7, 0, 3};
  metrics.set_mesos_calls(load);
  text = metrics.render();
  EXPECT_TRUE(has_line(text, "scale_mesos_calls_in_flight{lane=\"acknowledge\"} 40")) << text;
  EXPECT_TRUE(has_line(text, "scale_mesos_calls_in_flight{lane=\"offer\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "scale_mesos_calls_in_flight{lane=\"ordered\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "scale_mesos_calls_queued{lane=\"acknowledge\"} 7")) << text;
  EXPECT_TRUE(has_line(text, "scale_mesos_calls_queued{lane=\"ordered\"} 3")) << text;
  metrics.set_leader(false, 3);
  text = metrics.render();
  EXPECT_TRUE(has_line(text, "scale_mesos_calls_in_flight{lane=\"acknowledge\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "scale_mesos_calls_queued{lane=\"ordered\"} 0")) << text;
}

TEST(ReplicaMetrics, LatenciesAreHistogramsAndTheBacklogGaugesFollowTheLeader) {
  ReplicaMetrics metrics;
  metrics.set_leader(true, 7);
  LatencySamples samples;
  samples.commit_s = {0.002, 0.004};
  samples.queue_to_launch_s = {1.5};
  samples.update_to_ack_s = {0.01};
  metrics.observe(samples);
  metrics.set_backlog(12, 3);
  metrics.set_launch_gate(true, 40);
  std::string text = metrics.render();
  EXPECT_TRUE(has_line(text, "scale_launches_held 1")) << text;
  EXPECT_TRUE(has_line(text, "scale_launches_in_flight 40")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE scale_commit_duration_seconds histogram")) << text;
  EXPECT_TRUE(has_line(text, "scale_commit_duration_seconds_count 2")) << text;
  EXPECT_TRUE(has_line(text, "scale_queue_to_launch_seconds_count 1")) << text;
  EXPECT_TRUE(has_line(text, "scale_update_to_ack_seconds_count 1")) << text;
  EXPECT_TRUE(has_line(text, "scale_commit_duration_seconds_bucket{le=\"+Inf\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "scale_leader_queued_jobs 12")) << text;
  EXPECT_TRUE(has_line(text, "scale_unacknowledged_updates 3")) << text;
  metrics.set_leader(false, 7);
  text = metrics.render();
  EXPECT_TRUE(has_line(text, "scale_leader_queued_jobs 0")) << text;
  EXPECT_TRUE(has_line(text, "scale_launches_held 0")) << text;
  EXPECT_TRUE(has_line(text, "scale_commit_duration_seconds_count 2")) << text;  // never goes back
}

TEST(ReplicaMetrics, CountersAccumulateAcrossTermsAndNeverGoBack) {
  ReplicaMetrics metrics;
  metrics.term_started();
  metrics.set_leader(true, 7);
  SchedulingCounters first;
  first.tasks_launched = 5;
  first.acknowledgements = 3;
  metrics.add(first, {});
  SchedulingCounters later = first;
  later.tasks_launched = 8;
  metrics.add(later, first);
  metrics.set_leader(false, 7);
  metrics.fenced_out_write();
  // A new term's core counts from zero again.
  metrics.term_started();
  SchedulingCounters second;
  second.tasks_launched = 2;
  metrics.add(second, {});
  SchedulingCounters many;
  many.new_offers = 1234567;
  metrics.add(many, {});
  const std::string text = metrics.render();
  EXPECT_TRUE(has_line(text, "scale_launches_total 10")) << text;
  EXPECT_TRUE(has_line(text, "scale_offers_total 1234567")) << text;  // never 1.23457e+06
  EXPECT_TRUE(has_line(text, "scale_acknowledgements_total 3")) << text;
  EXPECT_TRUE(has_line(text, "scale_terms_started_total 2")) << text;
  EXPECT_TRUE(has_line(text, "scale_fenced_out_writes_total 1")) << text;
  EXPECT_TRUE(has_line(text, "scale_leader 0")) << text;
  EXPECT_TRUE(has_line(text, "scale_leader_epoch 7")) << text;
}

}  // namespace
}  // namespace scale::scheduler
