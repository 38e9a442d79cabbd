#pragma once

#include <string>

#include "api/context.h"
#include "api/http_types.h"
#include "db/scheduler_settings_store.h"

// GET and PATCH /v6/scheduler/: Scale's scheduler settings row, a user intent any replica may
// write; the leader picks changes up through NOTIFY scale_settings.
namespace scale::api {

Response get_scheduler_settings(const Context& ctx);
Response patch_scheduler_settings(Context& ctx, const Request& request);

// {"is_paused", "num_message_handlers", "system_logging_level", "queue_mode"}
std::string settings_json(const db::SchedulerSettings& settings);

}  // namespace scale::api
