#include "auth.h"

#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include "base64.h"

namespace mesos_sim {

std::optional<Credentials> parse_credentials(const std::string& json, std::string* error) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  const rapidjson::Value* list = nullptr;
  if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("credentials")) {
    list = &doc["credentials"];
  }
  if (!list || !list->IsArray()) {
    *error = R"(expected JSON {"credentials":[{"principal":"p","secret":"s"},...]})";
    return std::nullopt;
  }
  auto text = [](const rapidjson::Value& item, const char* key) -> const rapidjson::Value* {
    if (!item.IsObject() || !item.HasMember(key) || !item[key].IsString()) return nullptr;
    return &item[key];
  };
  Credentials credentials;
  for (const auto& item : list->GetArray()) {
    const rapidjson::Value* principal = text(item, "principal");
    const rapidjson::Value* secret = text(item, "secret");
    if (!principal || !secret) {
      *error = "every credential needs a string 'principal' and 'secret'";
      return std::nullopt;
    }
    credentials.emplace_back(principal->GetString(), secret->GetString());
  }
  if (credentials.empty()) {
    *error = "the credentials file must contain at least one credential";
    return std::nullopt;
  }
  return credentials;
}

std::optional<Credentials> load_credentials(const std::string& path_or_url, std::string* error) {
  const std::string scheme = "file://";
  std::string path = path_or_url;
  if (path.rfind(scheme, 0) == 0) path = path.substr(scheme.size());
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read '" + path + "'";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_credentials(text.str(), error);
}

std::optional<std::string> authenticate(const std::optional<std::string>& authorization,
                                        const Credentials& credentials) {
  const std::string scheme = "Basic ";  // case-sensitive, one space
  if (!authorization || authorization->rfind(scheme, 0) != 0) return std::nullopt;
  auto decoded = base64_decode(authorization->substr(scheme.size()));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos || decoded->find(':', colon + 1) != std::string::npos) {
    return std::nullopt;
  }
  std::string principal = decoded->substr(0, colon), secret = decoded->substr(colon + 1);
  for (const auto& [p, s] : credentials) {
    if (p == principal && s == secret) return principal;
  }
  return std::nullopt;
}

}  // namespace mesos_sim
