#include "scheduler/replica_options.h"

#include <charconv>

#include "scheduler/mesos/master_url.h"

namespace scale::scheduler {

std::optional<HostPort> parse_host_port(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  unsigned port = 0;
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || end != last || port == 0 || port > 65535) return std::nullopt;
  return HostPort{text.substr(0, colon), static_cast<uint16_t>(port)};
}

namespace {

std::optional<std::string> check_zk(const std::string& zk) {
  if (zk.empty()) return "--zk is required (host:port[,host:port][/chroot])";
  const std::string hosts = zk.substr(0, zk.find('/'));
  size_t start = 0;
  while (start <= hosts.size()) {
    const size_t comma = hosts.find(',', start);
    const std::string one =
        hosts.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!parse_host_port(one)) return "--zk: '" + one + "' is not host:port";
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> finalize(ReplicaOptions& options) {
  if (auto problem = check_zk(options.zk)) return problem;
  if (options.db.empty()) return "--db is required (libpq conninfo or postgresql:// URL)";
  if (options.election_path.empty() || options.election_path.front() != '/' ||
      options.election_path.back() == '/') {
    return "--election_path must be an absolute ZooKeeper path without a trailing '/'";
  }
  if (options.zk_session_timeout < std::chrono::milliseconds(400)) {
    return "--zk_session_timeout_ms must be at least 400";
  }
  if (options.status_interval < std::chrono::milliseconds(100)) {
    return "--status_interval_ms must be at least 100";
  }
  if (options.listen_port == 0) return "--listen must name a port";
  if (options.advertise_url.empty()) {
    options.advertise_url =
        "http://" + options.listen_host + ":" + std::to_string(options.listen_port);
  }
  if (options.advertise_url.rfind("http://", 0) != 0 &&
      options.advertise_url.rfind("https://", 0) != 0) {
    return "--advertise_url must start with http:// or https://";
  }
  if (options.replica_id.empty()) {
    options.replica_id = options.hostname + ":" + std::to_string(options.listen_port);
  }
  if (!options.mesos_master.empty()) {
    // Checked here so a bad value stops the replica at start-up, not at its first promotion.
    std::string error;
    if (!mesos::parse_master_spec(options.mesos_master, &error)) {
      return "--mesos_master must be http://host:port or zk://hosts/path: " + error;
    }
  }
  return std::nullopt;
}

}  // namespace scale::scheduler
