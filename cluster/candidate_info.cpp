#include "cluster/candidate_info.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <climits>

namespace scale::cluster {

std::string to_json(const CandidateInfo& info) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("replica_id");
  writer.String(info.replica_id);
  writer.Key("api_url");
  writer.String(info.api_url);
  writer.Key("hostname");
  writer.String(info.hostname);
  writer.Key("pid");
  writer.Int64(info.pid);
  writer.Key("version");
  writer.String(info.version);
  writer.Key("started");
  writer.String(info.started);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

void read_string(const rapidjson::Value& object, const char* key, std::string* out) {
  auto it = object.FindMember(key);
  if (it != object.MemberEnd() && it->value.IsString()) {
    out->assign(it->value.GetString(), it->value.GetStringLength());
  }
}

}  // namespace

std::optional<CandidateInfo> parse_candidate_info(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  CandidateInfo info;
  read_string(document, "replica_id", &info.replica_id);
  read_string(document, "api_url", &info.api_url);
  read_string(document, "hostname", &info.hostname);
  read_string(document, "version", &info.version);
  read_string(document, "started", &info.started);
  auto pid = document.FindMember("pid");
  if (pid != document.MemberEnd() && pid->value.IsInt64()) info.pid = pid->value.GetInt64();
  return info;
}

std::vector<CandidateInfo> candidates(const std::vector<Member>& members) {
  std::vector<CandidateInfo> found;
  for (const auto& member : members) {
    if (auto info = parse_candidate_info(member.data)) found.push_back(std::move(*info));
  }
  return found;
}

CandidateInfo with_process_defaults(CandidateInfo info) {
  if (info.hostname.empty()) {
    char name[HOST_NAME_MAX + 1] = {};
    if (gethostname(name, sizeof name - 1) == 0) info.hostname = name;
  }
  if (info.pid == 0) info.pid = static_cast<long long>(getpid());
  return info;
}

}  // namespace scale::cluster
