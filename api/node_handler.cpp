#include "api/node_handler.h"

#include <glog/logging.h>

#include "api/json_response.h"
#include "api/node_patch.h"
#include "api/path_id.h"
#include "api/query_params.h"
#include "api/resources_json.h"
#include "db/connection.h"

namespace scale::api {
namespace {

// As for PATCH /v6/scheduler/: answer 503 quickly rather than pile up behind a saturated pool.
constexpr std::chrono::milliseconds kLeaseTimeout{1000};

Response database_unavailable(const Request& request, const std::exception& e) {
  LOG(WARNING) << "api: " << request.method << " " << request.path << " failed: " << e.what();
  return error_response(503, std::string("database unavailable: ") + e.what());
}

}  // namespace

void write_node(JsonWriter& writer, const db::Node& node) {
  writer.StartObject();
  writer.Key("id");
  writer.Int64(node.id);
  writer.Key("hostname");
  writer.String(node.hostname);
  writer.Key("agent_id");
  writer.String(node.agent_id);
  writer.Key("is_active");
  writer.Bool(node.is_active);
  writer.Key("is_paused");
  writer.Bool(node.is_paused);
  writer.Key("pause_reason");
  write_optional(writer, node.pause_reason);
  writer.Key("resources");
  write_resources(writer, node.resources);
  writer.Key("last_offer");
  write_optional(writer, node.last_offer_at);
  writer.Key("created");
  writer.String(node.created_at);
  writer.Key("last_modified");
  writer.String(node.last_modified);
  writer.EndObject();
}

Response list_nodes(Context& ctx, const Request& request) {
  const auto page = parse_page_request(QueryParams(request.query));
  if (!page.request) return error_response(400, page.error);
  if (auto refused = ctx.stale_reads()) return *refused;
  try {
    auto lease = ctx.reads.acquire(kLeaseTimeout);
    const auto nodes = db::NodeStore::list(*lease, page.request->page, page.request->page_size);
    return page_response("/v6/nodes/", "", *page.request, nodes.count, [&](JsonWriter& w) {
      for (const auto& node : nodes.nodes) write_node(w, node);
    });
  } catch (const std::exception& e) {
    return database_unavailable(request, e);
  }
}

Response patch_node(Context& ctx, const Request& request) {
  const auto id = path_id(request, 2);
  const auto not_found = [&] {
    return error_response(404, "node not found: " + sanitize(path_segment(request.path, 2)));
  };
  if (!id) return not_found();
  auto parsed = parse_node_patch(request.body);
  if (!parsed.patch) return error_response(400, parsed.error);
  try {
    auto lease = ctx.pool.acquire(kLeaseTimeout);
    const auto node = db::NodeStore::patch(*lease, *id, *parsed.patch);
    if (!node) return not_found();
    LOG(INFO) << "api: node " << node->id << " (" << node->hostname << ") "
              << (node->is_paused ? "paused" : "not paused");
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    write_node(writer, *node);
    return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
  } catch (const std::exception& e) {
    return database_unavailable(request, e);
  }
}

}  // namespace scale::api
