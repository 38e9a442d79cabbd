#pragma once

#include <string>

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

}  // namespace scale::api
