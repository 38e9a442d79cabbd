#include "api/node_patch.h"

#include "api/json_body.h"

namespace scale::api {
namespace {

constexpr std::string_view kFields = "is_paused, pause_reason";

bool apply_field(std::string_view key, const rapidjson::Value& value, db::NodePatch& patch,
                 std::string& error) {
  if (key == "is_paused") {
    if (!value.IsBool()) {
      error = "is_paused must be a boolean";
      return false;
    }
    patch.is_paused = value.GetBool();
    return true;
  }
  if (key == "pause_reason") {
    // No NUL: libpq sends text parameters as C strings and would cut the reason there.
    if (!value.IsString() || value.GetStringLength() > db::kMaxPauseReasonLength ||
        std::string_view(value.GetString(), value.GetStringLength()).find('\0') !=
            std::string_view::npos) {
      error = "pause_reason must be a string of at most " +
              std::to_string(db::kMaxPauseReasonLength) + " bytes, without NUL characters";
      return false;
    }
    patch.pause_reason = std::string(value.GetString(), value.GetStringLength());
    return true;
  }
  error = unknown_field(key, kFields);
  return false;
}

}  // namespace

NodePatchResult parse_node_patch(std::string_view body) {
  NodePatchResult result;
  rapidjson::Document doc;
  result.error = parse_json_object(body, doc);
  if (!result.error.empty()) return result;
  if (doc.MemberCount() == 0) {
    result.error = "no fields to update (allowed: " + std::string(kFields) + ")";
    return result;
  }
  db::NodePatch patch;
  for (const auto& member : doc.GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (!apply_field(key, member.value, patch, result.error)) return result;
  }
  if (patch.is_paused == false && patch.pause_reason) {
    result.error = "pause_reason is only accepted when pausing (is_paused true)";
    return result;
  }
  result.patch = std::move(patch);
  return result;
}

}  // namespace scale::api
