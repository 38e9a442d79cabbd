#include "api/leader_health_handler.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/json_response.h"
#include "db/connection.h"

namespace scale::api {
namespace {

// /healthz must answer within about a second even when the pool is exhausted.
constexpr std::chrono::milliseconds kHealthLeaseTimeout{800};

std::string leader_json(const db::LeaderRecord& record) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("replica_id");
  writer.String(record.replica_id);
  writer.Key("api_url");
  writer.String(record.api_url);
  writer.Key("epoch");
  writer.Int64(record.epoch);
  writer.Key("since");
  writer.String(record.elected_at);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Response leader_response(const std::optional<db::LeaderRecord>& record, const LocalView& view) {
  const auto& zk_leader = view.zk_leader_replica_id;
  if (record && !record->replica_id.empty() && zk_leader && *zk_leader == record->replica_id) {
    return json_response(200, leader_json(*record));
  }
  if (zk_leader && !zk_leader->empty()) return error_response(503, "election in progress");
  return error_response(503, "no leader");
}

Response leaderhealth_response(Role role) {
  switch (role) {
    case Role::Leader:
      return json_response(200, R"({"leader":true})");
    case Role::Follower:
      return error_response(503, "this replica is a follower");
    case Role::Unknown:
      break;
  }
  return error_response(502, "this replica does not know the leader");
}

Response get_leader(const Context& ctx) {
  return leader_response(ctx.cache.snapshot()->leader, ctx.view());
}

Response get_leaderhealth(const Context& ctx) {
  return leaderhealth_response(ctx.view().role);
}

Response get_healthz(Context& ctx) {
  try {
    auto lease = ctx.pool.acquire(kHealthLeaseTimeout);
    lease->exec("SELECT 1");
    return json_response(200, R"({"ok":true})");
  } catch (const std::exception& e) {
    return error_response(503, std::string("database unavailable: ") + e.what());
  }
}

}  // namespace scale::api
