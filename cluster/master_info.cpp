#include "cluster/master_info.h"

#include <rapidjson/document.h>

namespace scale::cluster {
namespace {

std::string string_member(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

int port_member(const rapidjson::Value& object) {
  auto it = object.FindMember("port");
  return it != object.MemberEnd() && it->value.IsInt() ? it->value.GetInt() : 0;
}

}  // namespace

std::optional<MesosMasterAddress> parse_master_info(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  MesosMasterAddress address;
  auto nested = doc.FindMember("address");
  if (nested != doc.MemberEnd() && nested->value.IsObject()) {
    // The ip connects even where the masters' hostnames do not resolve, like Mesos' own client.
    address.host = string_member(nested->value, "ip");
    if (address.host.empty()) address.host = string_member(nested->value, "hostname");
    address.port = port_member(nested->value);
  }
  if (address.host.empty()) address.host = string_member(doc, "hostname");
  if (address.port == 0) address.port = port_member(doc);
  if (address.host.empty() || address.port <= 0) return std::nullopt;
  return address;
}

}  // namespace scale::cluster
