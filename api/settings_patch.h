#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "db/scheduler_settings_store.h"

// Validation of PATCH /v6/scheduler/ bodies (pure: no database, no server).
namespace scale::api {

inline constexpr int kMaxMessageHandlers = 1000;

struct SettingsPatchResult {
  std::optional<db::SchedulerSettingsPatch> patch;  // set when the body is valid
  std::string error;                                // the 400 detail otherwise
};

// Accepts a JSON object with one or more of is_paused (bool), num_message_handlers (integer in
// 0..kMaxMessageHandlers), system_logging_level (DEBUG|INFO|WARNING|ERROR|CRITICAL) and queue_mode
// (FIFO|LIFO); the two names are matched case-insensitively and returned upper case. Rejects
// malformed JSON, non-objects, unknown or repeated keys, an empty object, wrong types and values.
SettingsPatchResult parse_settings_patch(std::string_view body);

}  // namespace scale::api
