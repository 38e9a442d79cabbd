#pragma once

#include "api/context.h"
#include "api/http_types.h"
#include "api/pagination.h"
#include "db/node_store.h"

// /v6/nodes/: the Mesos agents the leader has seen, and pausing them. A pause is a user intent
// any replica writes to PostgreSQL; the leader hears of it through NOTIFY scale_nodes and stops
// launching there (running tasks finish).
namespace scale::api {

Response list_nodes(Context& ctx, const Request& request);  // GET /v6/nodes/
Response patch_node(Context& ctx, const Request& request);  // PATCH /v6/nodes/{id}/

// {"id", "hostname", "agent_id", "is_active", "is_paused", "pause_reason", "resources",
//  "last_offer", "created", "last_modified"}
void write_node(JsonWriter& writer, const db::Node& node);

}  // namespace scale::api
