#pragma once

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

class QueueStatsStore {
 public:
  // One snapshot: the cluster row and the QUEUED and RUNNING aggregates of table `job`.
  static QueuedResources read(Connection& conn);
};

}  // namespace scale::db
