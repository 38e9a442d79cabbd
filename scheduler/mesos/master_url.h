#pragma once

// Where the Mesos master is, as the operator writes it, and how redirects move us (spec A.13).

#include <optional>
#include <string>

namespace scale::mesos {

// The scheduler endpoint path. The master serves it at /api/v1/scheduler and at
// /master/api/v1/scheduler (spec A.17); the former is the documented one.
inline constexpr const char* kSchedulerPath = "/api/v1/scheduler";

struct MasterSpec {
  enum class Kind { Http, ZooKeeper };
  Kind kind = Kind::Http;
  std::string base_url;        // Http: "http://host:port" (scheme kept, no trailing slash)
  std::string zk_hosts;        // ZooKeeper: "host:port,host:port"
  std::string zk_path;         // ZooKeeper: "/mesos"
  std::string zk_credentials;  // ZooKeeper: "user:pass" or empty
};

// Accepts "http://host:port", "host:port" (http assumed) and
// "zk://[user:pass@]host:port[,host:port...]/path". Returns nullopt (with *error) otherwise,
// also for https:// (the client has no TLS).
std::optional<MasterSpec> parse_master_spec(const std::string& text, std::string* error);

// "http://host:port" for a detected master.
std::string master_base_url(const std::string& scheme, const std::string& host, int port);

// The scheduler endpoint URL of a base URL ("http://h:p" -> "http://h:p/api/v1/scheduler").
std::string scheduler_endpoint(const std::string& base_url);

// Resolves a 307 Location against the URL the request went to. Mesos sends a protocol-relative
// "//leader:port/path", which takes the current scheme; absolute URLs are used as they are and an
// absolute path keeps the current scheme and authority. Returns nullopt for an empty or
// unparseable Location.
std::optional<std::string> resolve_location(const std::string& request_url,
                                            const std::string& location);

}  // namespace scale::mesos
