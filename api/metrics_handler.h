#pragma once

#include "api/context.h"
#include "api/http_types.h"

namespace scale::api {

// GET /metrics in the Prometheus text format: what the replica process counts (leadership, the
// scheduling loop; ServerOptions::replica_metrics), the jobs by state from PostgreSQL, and the
// HTTP requests this server answered.
Response get_metrics(Context& ctx);

}  // namespace scale::api
