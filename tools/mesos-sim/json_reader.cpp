#include "json_reader.h"

#include <cmath>
#include <cstdlib>

#include "base64.h"

namespace mesos_sim {
namespace {

const char* kind_name(const rapidjson::Value& value) {
  if (value.IsString()) return "string";
  if (value.IsNumber()) return "number";
  if (value.IsBool()) return "boolean";
  if (value.IsArray()) return "array";
  return "object";
}

}  // namespace

JsonReader::Scope::Scope(JsonReader& reader, const std::string& part)
    : reader_(reader), length_(reader.path_.size()) {
  reader_.path_ += part + ".";
}

JsonReader::Scope::~Scope() {
  reader_.path_.resize(length_);
}

std::string JsonReader::conversion_error() const {
  if (!error_.empty()) return error_;
  if (missing_.empty()) return "";
  std::string list;
  for (const auto& field : missing_) list += (list.empty() ? "" : ", ") + field;
  return "Missing required fields: " + list;
}

bool JsonReader::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return false;
}

bool JsonReader::wrong_kind(const Value& value, const char* key) {
  return fail(std::string("Not expecting a JSON ") + kind_name(value) + " for field '" + key + "'");
}

const JsonReader::Value* JsonReader::member(const Value& obj, const char* key) const {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

const JsonReader::Value* JsonReader::object(const Value& obj, const char* key, bool required) {
  const Value* v = member(obj, key);
  if (!v) {
    if (required) missing(key);
    return nullptr;
  }
  if (!v->IsObject()) return wrong_kind(*v, key), nullptr;
  return v;
}

const JsonReader::Value* JsonReader::array(const Value& obj, const char* key) {
  const Value* v = member(obj, key);
  if (v && !v->IsArray()) return wrong_kind(*v, key), nullptr;
  return v;
}

std::optional<std::string> JsonReader::string(const Value& obj, const char* key, bool required) {
  const Value* v = member(obj, key);
  if (!v) {
    if (required) missing(key);
    return std::nullopt;
  }
  if (!v->IsString()) return wrong_kind(*v, key), std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<std::string> JsonReader::id(const Value& obj, const char* key, bool required) {
  const Value* v = object(obj, key, required);
  if (!v) return std::nullopt;
  Scope scope(*this, key);
  return string(*v, "value", true);
}

std::vector<std::string> JsonReader::strings(const Value& obj, const char* key) {
  std::vector<std::string> out;
  const Value* v = member(obj, key);
  if (!v) return out;
  if (v->IsString()) return {std::string(v->GetString(), v->GetStringLength())};
  if (!v->IsArray()) return wrong_kind(*v, key), out;
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) return wrong_kind(item, key), out;
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

std::optional<double> JsonReader::number(const Value& obj, const char* key, bool required) {
  const Value* v = member(obj, key);
  if (!v) {
    if (required) missing(key);
    return std::nullopt;
  }
  if (v->IsNumber()) return v->GetDouble();
  if (!v->IsString()) return wrong_kind(*v, key), std::nullopt;
  const char* text = v->GetString();
  char* end = nullptr;
  double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(value)) {
    return fail(std::string("Failed to parse '") + text + "' as a JSON number for field '" + key +
                "'"),
           std::nullopt;
  }
  return value;
}

std::optional<std::string> JsonReader::enumeration(const Value& obj, const char* key,
                                                   std::initializer_list<const char*> names,
                                                   bool required) {
  auto name = string(obj, key, required);
  if (!name) return std::nullopt;
  for (const char* known : names) {
    if (*name == known) return name;
  }
  if (required) fail("Failed to find enum for '" + *name + "'");
  return std::nullopt;
}

std::optional<std::string> JsonReader::bytes(const Value& obj, const char* key, bool required) {
  auto text = string(obj, key, required);
  if (!text) return std::nullopt;
  auto raw = base64_decode(*text);
  if (!raw) return fail(std::string("Failed to base64 decode bytes field '") + key + "'"), raw;
  return raw;
}

}  // namespace mesos_sim
