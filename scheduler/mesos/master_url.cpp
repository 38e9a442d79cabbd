#include "scheduler/mesos/master_url.h"

#include <cctype>

namespace scale::mesos {
namespace {

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

// "scheme://authority" of an absolute URL, or "" when it has none.
std::string origin_of(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "";
  auto path_start = url.find('/', scheme_end + 3);
  return path_start == std::string::npos ? url : url.substr(0, path_start);
}

bool valid_host_port(const std::string& authority) {
  auto colon = authority.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == authority.size()) return false;
  for (size_t i = colon + 1; i < authority.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(authority[i]))) return false;
  }
  return true;
}

std::optional<MasterSpec> parse_zk(const std::string& text, std::string* error) {
  std::string rest = text.substr(5);
  MasterSpec spec;
  spec.kind = MasterSpec::Kind::ZooKeeper;
  auto at = rest.find('@');
  auto slash = rest.find('/');
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    spec.zk_credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    slash = rest.find('/');
  }
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size()) {
    *error = "zk:// master needs hosts and a path, e.g. zk://host:2181/mesos";
    return std::nullopt;
  }
  spec.zk_hosts = rest.substr(0, slash);
  spec.zk_path = rest.substr(slash);
  while (spec.zk_path.size() > 1 && spec.zk_path.back() == '/') spec.zk_path.pop_back();
  return spec;
}

}  // namespace

std::optional<MasterSpec> parse_master_spec(const std::string& text, std::string* error) {
  if (starts_with(text, "zk://")) return parse_zk(text, error);
  if (starts_with(text, "https://")) {
    *error =
        "https:// masters are not supported: the client speaks plain HTTP (put a "
        "TLS-terminating proxy next to the replica and give its http:// address)";
    return std::nullopt;
  }
  std::string url = text;
  if (!starts_with(url, "http://")) url = "http://" + url;
  std::string origin = origin_of(url);
  std::string authority = origin.substr(origin.find("://") + 3);
  if (!valid_host_port(authority)) {
    *error = "master must be http://host:port or zk://hosts/path, got '" + text + "'";
    return std::nullopt;
  }
  MasterSpec spec;
  spec.base_url = origin;
  return spec;
}

std::string master_base_url(const std::string& scheme, const std::string& host, int port) {
  return scheme + "://" + host + ":" + std::to_string(port);
}

std::string scheduler_endpoint(const std::string& base_url) {
  return base_url + kSchedulerPath;
}

std::optional<std::string> resolve_location(const std::string& request_url,
                                            const std::string& location) {
  std::string origin = origin_of(request_url);
  if (location.empty() || origin.empty()) return std::nullopt;
  if (starts_with(location, "//")) {
    if (location.size() == 2) return std::nullopt;
    return origin.substr(0, origin.find("://") + 1) + location;
  }
  if (location.find("://") != std::string::npos) {
    return origin_of(location).empty() ? std::nullopt : std::optional(location);
  }
  if (location[0] == '/') return origin + location;
  return std::nullopt;
}

}  // namespace scale::mesos
