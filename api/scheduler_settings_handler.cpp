#include "api/scheduler_settings_handler.h"

#include <glog/logging.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/json_response.h"
#include "api/settings_patch.h"
#include "db/connection.h"

namespace scale::api {
namespace {

// A request waits at most this long for a pooled connection: answering 503 quickly beats piling
// up handler threads behind a saturated or dead database.
constexpr std::chrono::milliseconds kLeaseTimeout{1000};

}  // namespace

std::string settings_json(const db::SchedulerSettings& settings) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("is_paused");
  writer.Bool(settings.is_paused);
  writer.Key("num_message_handlers");
  writer.Int(settings.num_message_handlers);
  writer.Key("system_logging_level");
  writer.String(settings.system_logging_level);
  writer.Key("queue_mode");
  writer.String(settings.queue_mode);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response get_scheduler_settings(const Context& ctx) {
  const auto snapshot = ctx.cache.snapshot();
  if (!snapshot->settings) {
    return error_response(503, "database unavailable: " + snapshot->last_error);
  }
  if (auto refused = ctx.stale_reads()) return *refused;
  return json_response(200, settings_json(*snapshot->settings));
}

Response patch_scheduler_settings(Context& ctx, const Request& request) {
  auto parsed = parse_settings_patch(request.body);
  if (!parsed.patch) return error_response(400, parsed.error);
  try {
    auto lease = ctx.pool.acquire(kLeaseTimeout);
    const auto settings = db::SchedulerSettingsStore::patch(*lease, *parsed.patch);
    ctx.cache.store_settings(settings);
    LOG(INFO) << "api: scheduler settings patched to " << settings_json(settings);
    return json_response(200, settings_json(settings));
  } catch (const std::exception& e) {
    LOG(WARNING) << "api: PATCH /v6/scheduler/ failed: " << e.what();
    return error_response(503, std::string("database unavailable: ") + e.what());
  }
}

}  // namespace scale::api
