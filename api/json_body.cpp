#include "api/json_body.h"

#include <rapidjson/error/en.h>

#include <set>

#include "api/json_response.h"

namespace scale::api {

std::string parse_json_object(std::string_view body, rapidjson::Document& doc) {
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  doc.Parse<kFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    return std::string("malformed JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
           " at offset " + std::to_string(doc.GetErrorOffset());
  }
  if (!doc.IsObject()) return "body must be a JSON object";
  std::set<std::string_view> seen;
  for (const auto& member : doc.GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (!seen.insert(key).second) return "field \"" + sanitize(key) + "\" appears more than once";
  }
  return "";
}

std::string unknown_field(std::string_view key, std::string_view allowed) {
  return "unknown field \"" + sanitize(key) + "\" (allowed: " + std::string(allowed) + ")";
}

}  // namespace scale::api
