#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "cluster.h"
#include "watch.h"

// The end-of-drill audit: what PostgreSQL and the emulator's journal say about every job the load
// generator got an id for, every launch, and every leader-owned row.
namespace scale::drill {

struct AuditResult {
  bool db_ok = false;
  std::string db_error;
  long submitted = 0;
  std::map<std::string, long> by_status;  // of the submitted jobs
  long lost = 0;                          // submitted ids with no job row
  double drain_s = 0;                     // how long the drain waited
  long launches = 0;                      // emulator journal, since it started
  long duplicate_task_ids = 0;            // task ids journaled more than once
  long long sim_duplicates = 0;           // /sim/state duplicate_launches
  long launches_without_row = 0;          // journaled task ids with no job_exe row
  long stale_writes = 0;                  // db::EpochAudit::stale_writes
  int max_live_streams = 0;
};

// Waits up to drain_s for the submitted jobs to end (fewer QUEUED/RUNNING left to judge), then
// audits; every finding is added to violations.
AuditResult audit(const Cluster& cluster, const std::vector<long long>& job_ids, SimWatch& sim,
                  Violations& violations, int drain_s, const std::atomic<bool>& interrupted);

}  // namespace scale::drill
