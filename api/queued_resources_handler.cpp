#include "api/queued_resources_handler.h"

#include <glog/logging.h>

#include <array>
#include <utility>

#include "api/json_response.h"
#include "api/resources_json.h"
#include "db/connection.h"

namespace scale::api {
namespace {

constexpr std::chrono::milliseconds kLeaseTimeout{1000};

}  // namespace

std::string queued_resources_json(const db::QueuedResources& totals) {
  const std::array<std::pair<const char*, const db::QueueStateTotals*>, 3> states = {
      {{"PENDING", &totals.pending}, {"QUEUED", &totals.queued}, {"RUNNING", &totals.running}}};
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("cluster_resources");
  write_resources(writer, totals.cluster);
  writer.Key("queue_lengths");
  writer.StartObject();
  for (const auto& [name, state] : states) {
    writer.Key(name);
    writer.Int64(state->count);
  }
  writer.EndObject();
  writer.Key("total_resources");
  writer.StartObject();
  for (const auto& [name, state] : states) {
    writer.Key(name);
    write_resources(writer, state->resources);
  }
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response get_queued_resources(Context& ctx) {
  if (auto refused = ctx.stale_reads()) return *refused;
  try {
    auto lease = ctx.reads.acquire(kLeaseTimeout);
    return json_response(200, queued_resources_json(db::QueueStatsStore::read(*lease)));
  } catch (const std::exception& e) {
    LOG(WARNING) << "api: GET /v6/scheduler/queued-resources/ failed: " << e.what();
    return error_response(503, std::string("database unavailable: ") + e.what());
  }
}

std::string queue_priorities_json(const std::vector<db::PriorityCounts>& counts) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("priorities");
  writer.StartArray();
  for (const auto& line : counts) {
    writer.StartObject();
    writer.Key("priority");
    writer.Int(line.priority);
    writer.Key("queued");
    writer.Int64(line.queued);
    writer.Key("running");
    writer.Int64(line.running);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response get_queue_priorities(Context& ctx) {
  if (auto refused = ctx.stale_reads()) return *refused;
  try {
    auto lease = ctx.reads.acquire(kLeaseTimeout);
    return json_response(200, queue_priorities_json(db::QueueStatsStore::by_priority(*lease)));
  } catch (const std::exception& e) {
    LOG(WARNING) << "api: GET /v6/scheduler/queue-priorities/ failed: " << e.what();
    return error_response(503, std::string("database unavailable: ") + e.what());
  }
}

}  // namespace scale::api
