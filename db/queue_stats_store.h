#pragma once

#include <vector>

#include "db/connection.h"
#include "db/resources.h"

namespace scale::db {

// How many jobs are in one state and what they ask for in total.
struct QueueStateTotals {
  long long count = 0;
  Resources resources;
};

// GET /v6/scheduler/queued-resources/ in Scale's terms. PENDING exists in Scale (a job waiting
// for its inputs) but not here: it is always zero, and kept so Scale clients find the key.
struct QueuedResources {
  Resources cluster;  // table cluster_resources, kept current by the leader
  QueueStateTotals pending;
  QueueStateTotals queued;
  QueueStateTotals running;
};

// Jobs QUEUED and RUNNING at one priority.
struct PriorityCounts {
  int priority = 0;
  long long queued = 0;
  long long running = 0;
};

// Jobs QUEUED and RUNNING in all.
struct QueueCounts {
  long long queued = 0;
  long long running = 0;
};

class QueueStatsStore {
 public:
  // One snapshot: the cluster row and the QUEUED and RUNNING aggregates of table `job`.
  static QueuedResources read(Connection& conn);
  // Only the counts: answered from the job_status_idx index alone, so it stays cheap enough to
  // sample every few seconds on every replica (the console's queue chart).
  static QueueCounts counts(Connection& conn);
  // QUEUED and RUNNING jobs by priority, lowest (first to run) first; priorities with neither
  // are left out.
  static std::vector<PriorityCounts> by_priority(Connection& conn);
};

}  // namespace scale::db
