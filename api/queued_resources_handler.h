#pragma once

#include <string>
#include <vector>

#include "api/context.h"
#include "api/http_types.h"
#include "db/queue_stats_store.h"

// GET /v6/scheduler/queued-resources/ in Scale's shape:
// {"cluster_resources": {cpus, mem, disk, gpus},
//  "queue_lengths": {"PENDING": n, "QUEUED": n, "RUNNING": n},
//  "total_resources": {"PENDING": {cpus, mem, disk, gpus}, "QUEUED": {...}, "RUNNING": {...}}}
namespace scale::api {

Response get_queued_resources(Context& ctx);
std::string queued_resources_json(const db::QueuedResources& totals);

// GET /v6/scheduler/queue-priorities/ (not in Scale; the console's queue page):
// {"priorities": [{"priority": 50, "queued": 3, "running": 1}, ...]}, lowest priority value (the
// first to run) first, only priorities that have QUEUED or RUNNING jobs.
Response get_queue_priorities(Context& ctx);
std::string queue_priorities_json(const std::vector<db::PriorityCounts>& counts);

}  // namespace scale::api
