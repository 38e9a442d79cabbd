#include "api/json_body.h"

#include <rapidjson/error/en.h>

#include <set>
#include <vector>

#include "api/json_response.h"

namespace scale::api {
namespace {

// RapidJSON 1.1 decodes a lone low-surrogate escape ("\udc00") to the bytes ED B0..BF xx, which
// are not UTF-8: PostgreSQL (UTF8) refuses them at INSERT, which the client would see as a 503,
// and our JSON answers would carry them. The input itself was validated and a valid pair decodes
// to four bytes, so ED followed by A0..BF can only come from such an escape.
bool has_surrogate(const rapidjson::Value& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.GetString());
  for (rapidjson::SizeType i = 0; i + 1 < s.GetStringLength(); ++i) {
    if (p[i] == 0xED && (p[i + 1] & 0xE0) == 0xA0) return true;
  }
  return false;
}

// Walks the document with an explicit stack (the nesting depth is the client's choice).
bool any_surrogate(const rapidjson::Value& root) {
  std::vector<const rapidjson::Value*> pending{&root};
  while (!pending.empty()) {
    const rapidjson::Value* v = pending.back();
    pending.pop_back();
    if (v->IsString() && has_surrogate(*v)) return true;
    if (v->IsArray()) {
      for (const auto& item : v->GetArray()) pending.push_back(&item);
    } else if (v->IsObject()) {
      for (const auto& m : v->GetObject()) {
        if (has_surrogate(m.name)) return true;
        pending.push_back(&m.value);
      }
    }
  }
  return false;
}

}  // namespace

std::string parse_json_object(std::string_view body, rapidjson::Document& doc) {
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  doc.Parse<kFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    return std::string("malformed JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
           " at offset " + std::to_string(doc.GetErrorOffset());
  }
  if (!doc.IsObject()) return "body must be a JSON object";
  if (any_surrogate(doc))
    return "strings must be valid Unicode: a \\u escape names a lone surrogate";
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
