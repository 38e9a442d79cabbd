#include "api/settings_patch.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "api/json_response.h"

namespace scale::api {
namespace {

using rapidjson::Value;

constexpr std::array<std::string_view, 5> kLoggingLevels = {"DEBUG", "INFO", "WARNING", "ERROR",
                                                            "CRITICAL"};
constexpr std::array<std::string_view, 2> kQueueModes = {"FIFO", "LIFO"};

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

template <size_t N>
std::string joined(const std::array<std::string_view, N>& names) {
  std::string out;
  for (auto name : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

// Upper-cased value when it names one of `allowed`, else the 400 detail in `error`.
template <size_t N>
std::optional<std::string> one_of(const Value& value, std::string_view field,
                                  const std::array<std::string_view, N>& allowed,
                                  std::string& error) {
  if (value.IsString()) {
    auto name = upper(std::string_view(value.GetString(), value.GetStringLength()));
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) return name;
  }
  error = std::string(field) + " must be one of " + joined(allowed);
  return std::nullopt;
}

std::optional<int> handler_count(const Value& value, std::string& error) {
  if (value.IsInt64() && value.GetInt64() >= 0 && value.GetInt64() <= kMaxMessageHandlers) {
    return static_cast<int>(value.GetInt64());
  }
  error =
      "num_message_handlers must be an integer from 0 to " + std::to_string(kMaxMessageHandlers);
  return std::nullopt;
}

// Applies one key to the patch; false with `error` set when the key or its value is invalid.
bool apply_field(std::string_view key, const Value& value, db::SchedulerSettingsPatch& patch,
                 std::string& error) {
  if (key == "is_paused") {
    if (!value.IsBool()) {
      error = "is_paused must be a boolean";
      return false;
    }
    patch.is_paused = value.GetBool();
  } else if (key == "num_message_handlers") {
    patch.num_message_handlers = handler_count(value, error);
    return patch.num_message_handlers.has_value();
  } else if (key == "system_logging_level") {
    patch.system_logging_level = one_of(value, key, kLoggingLevels, error);
    return patch.system_logging_level.has_value();
  } else if (key == "queue_mode") {
    patch.queue_mode = one_of(value, key, kQueueModes, error);
    return patch.queue_mode.has_value();
  } else {
    error = "unknown field \"" + sanitize(key) +
            "\" (allowed: is_paused, num_message_handlers, system_logging_level, queue_mode)";
    return false;
  }
  return true;
}

}  // namespace

SettingsPatchResult parse_settings_patch(std::string_view body) {
  SettingsPatchResult result;
  rapidjson::Document doc;
  // Iterative: a body of a million '[' must not overflow the stack. Validating: keys are echoed.
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  doc.Parse<kFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    result.error = std::string("malformed JSON: ") +
                   rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                   std::to_string(doc.GetErrorOffset());
    return result;
  }
  if (!doc.IsObject()) {
    result.error = "body must be a JSON object";
    return result;
  }
  if (doc.MemberCount() == 0) {
    result.error =
        "no fields to update (allowed: is_paused, num_message_handlers, "
        "system_logging_level, queue_mode)";
    return result;
  }
  db::SchedulerSettingsPatch patch;
  std::set<std::string_view> seen;
  for (const auto& member : doc.GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (!seen.insert(key).second) {
      result.error = "field \"" + sanitize(key) + "\" appears more than once";
      return result;
    }
    if (!apply_field(key, member.value, patch, result.error)) return result;
  }
  result.patch = std::move(patch);
  return result;
}

}  // namespace scale::api
