#pragma once

// The status document a leader writes (Scale's shape, DESIGN.md section 6): the scheduling core's
// views, per-second rates since the previous document, warnings that keep their start across an
// episode, and the cluster section. One builder per term.

#include <chrono>
#include <string>
#include <vector>

#include "scheduler/clock.h"
#include "scheduler/leader_store.h"
#include "scheduler/replica_options.h"
#include "scheduler/scheduling_core.h"
#include "scheduler/status_document.h"

namespace scale::scheduler {

class StatusBuilder {
 public:
  StatusBuilder(const ReplicaOptions& options, long long epoch, const Clock& clock);

  // The rates count from here (a new core counts from zero).
  void start_counting(const SchedulingCore& core);
  // What the next document shows, but for the facts only the database knows; `core` is null
  // while the term does not schedule.
  StatusInputs build(SchedulingCore* core, std::vector<ReplicaSeen> replicas);
  // The document, with the facts read in the transaction that writes it.
  static std::string render(StatusInputs in, const StatusFacts& facts);

 private:
  struct WantedWarning {
    std::string name;
    std::string title;
    std::string description;
  };
  void fill_scheduling(StatusInputs& in, SchedulingCore& core);
  static void fill_nodes(StatusInputs& in, const std::vector<AgentView>& agents);
  std::vector<WantedWarning> wanted_warnings(SchedulingCore& core);
  void update_warnings(SchedulingCore& core, std::chrono::system_clock::time_point now);

  const ReplicaOptions& options_;
  const long long epoch_;
  const Clock& clock_;
  const std::chrono::system_clock::time_point term_started_;
  SchedulingCounters last_counters_;
  std::chrono::steady_clock::time_point last_counters_at_;
  std::vector<StatusWarning> warnings_;
};

}  // namespace scale::scheduler
