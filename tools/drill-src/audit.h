#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "cluster.h"
#include "mesos_watch.h"
#include "watch.h"

// The end-of-drill audit: what PostgreSQL and Mesos (the emulator's journal, or what a real
// master listed) say about every job the load generator got an id for, every launch, and every
// leader-owned row.
namespace scale::drill {

struct AuditResult {
  bool db_ok = false;
  std::string db_error;
  long submitted = 0;
  std::map<std::string, long> by_status;  // of the submitted jobs
  long lost = 0;                          // submitted ids with no job row
  std::string unfinished;          // still QUEUED/RUNNING after the drain: "12 (RUNNING, last
                                   // execution UNREACHABLE), ..." (not a violation by itself)
  double drain_s = 0;              // how long the drain waited
  std::string launch_source;       // MesosWatch::name()
  long launches = 0;               // seen by Mesos since the drill started
  long duplicate_task_ids = 0;     // task ids launched more than once
  long long mesos_duplicates = 0;  // Mesos' own count (MesosWatch::duplicate_launches)
  long launches_without_row = 0;   // launched task ids with no job_exe row
  long stale_writes = 0;           // db::EpochAudit::stale_writes
  int max_live_streams = 0;
  FrameworkFacts framework;  // real masters only
};

// Waits up to drain_s for the submitted jobs to end (fewer QUEUED/RUNNING left to judge), then
// audits; every finding is added to violations.
AuditResult audit(const Cluster& cluster, const std::vector<long long>& job_ids, MesosWatch& mesos,
                  Violations& violations, int drain_s, const std::atomic<bool>& interrupted);

}  // namespace scale::drill
