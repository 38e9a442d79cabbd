#include "scheduler/replica_options.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>

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

std::optional<std::string> check_security(const ReplicaOptions& options) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return "--tls_cert and --tls_key go together: give both PEM files or neither";
  }
  if (options.api_token_reads && options.api_token_file.empty()) {
    return "--api_token_reads needs --api_token_file";
  }
  if (!options.mesos_secret_file.empty() && options.mesos_principal.empty()) {
    return "--mesos_secret_file needs --mesos_principal";
  }
  if (options.mesos_principal.find(':') != std::string::npos) {
    return "--mesos_principal must not contain ':' (HTTP basic authentication)";
  }
  return std::nullopt;
}

// Secret files are a line or two; a bound keeps a wrong path (a device, a log) from being read
// whole into memory.
constexpr std::streamsize kMaxSecretBytes = 64 * 1024;

std::optional<std::string> read_secret(const std::string& path, const char* flag,
                                       std::string* problem) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    *problem = std::string(flag) + ": cannot read " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string text(kMaxSecretBytes + 1, '\0');
  file.read(text.data(), kMaxSecretBytes + 1);
  if (file.bad()) {
    *problem = std::string(flag) + ": cannot read " + path;
    return std::nullopt;
  }
  text.resize(static_cast<size_t>(file.gcount()));
  if (static_cast<std::streamsize>(text.size()) > kMaxSecretBytes) {
    *problem = std::string(flag) + ": " + path + " is larger than 64 KiB; is it the right file?";
    return std::nullopt;
  }
  return text;
}

std::string trim_whitespace(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// The rule api::bearer_token applies to the header (scheduler/ does not depend on api/): a token
// with a space or a control character could never be presented.
bool valid_token(const std::string& token) {
  for (const char c : token) {
    if (c <= ' ' || c > '~') return false;
  }
  return !token.empty();
}

std::optional<std::string> load_api_token(ReplicaOptions& options) {
  std::string problem;
  const auto text = read_secret(options.api_token_file, "--api_token_file", &problem);
  if (!text) return problem;
  std::string token = trim_whitespace(*text);
  if (token.empty()) return "--api_token_file: " + options.api_token_file + " is empty";
  if (!valid_token(token)) {
    return "--api_token_file: the token in " + options.api_token_file +
           " must be one word of printable ASCII (no spaces or control characters)";
  }
  options.api_token = std::move(token);
  return std::nullopt;
}

std::optional<std::string> load_zk_auth(ReplicaOptions& options) {
  std::string problem;
  const auto text = read_secret(options.zk_auth_file, "--zk_auth_file", &problem);
  if (!text) return problem;
  auto auth = cluster::parse_zk_auth(*text, &problem);
  if (!auth) return "--zk_auth_file: " + options.zk_auth_file + " " + problem;
  options.zk_auth = std::move(auth);
  return std::nullopt;
}

// HTTP basic authentication splits "principal:secret" at its one colon (spec B.6): a colon in
// either could never authenticate, so it is refused here rather than at every SUBSCRIBE.
std::optional<std::string> load_mesos_secret(ReplicaOptions& options) {
  std::string problem;
  const auto text = read_secret(options.mesos_secret_file, "--mesos_secret_file", &problem);
  if (!text) return problem;
  std::string secret = trim_whitespace(*text);
  if (secret.empty()) return "--mesos_secret_file: " + options.mesos_secret_file + " is empty";
  if (secret.find(':') != std::string::npos || !valid_token(secret)) {
    return "--mesos_secret_file: the secret in " + options.mesos_secret_file +
           " must be one word of printable ASCII without ':' (HTTP basic authentication)";
  }
  options.mesos_secret = std::move(secret);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> load_secrets(ReplicaOptions& options) {
  if (!options.mesos_secret_file.empty()) {
    if (auto problem = load_mesos_secret(options)) return problem;
  }
  if (!options.api_token_file.empty()) {
    if (auto problem = load_api_token(options)) return problem;
  }
  if (!options.zk_auth_file.empty()) {
    if (auto problem = load_zk_auth(options)) return problem;
  }
  return std::nullopt;
}

namespace {

// The leader's timeouts, retention and backpressure bounds.
std::optional<std::string> check_scheduling(const ReplicaOptions& options) {
  if (options.unknown_task_timeout < std::chrono::seconds(1)) {
    return "--unknown_task_timeout_s must be at least 1";
  }
  if (options.unreachable_timeout < std::chrono::seconds(1)) {
    return "--unreachable_timeout_s must be at least 1";
  }
  if (options.retain_finished_days < 0 || options.retain_finished_days > 36500) {
    return "--retain_finished_days must be from 0 (keep finished jobs forever) to 36500";
  }
  if (options.max_unacked_updates < 0) return "--max_unacked_updates must be 0 (no bound) or more";
  if (options.max_launches_in_flight < 0) {
    return "--max_launches_in_flight must be 0 (no bound) or more";
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
  if (options.heartbeat_refresh.count() != 0 &&
      options.heartbeat_refresh < std::chrono::milliseconds(100)) {
    return "--heartbeat_refresh_ms must be 0 (never) or at least 100";
  }
  if (options.listen_port == 0) return "--listen must name a port";
  if (auto problem = check_scheduling(options)) return problem;
  if (auto problem = check_security(options)) return problem;
  if (options.advertise_url.empty()) {
    options.advertise_url = (options.tls() ? "https://" : "http://") + options.listen_host + ":" +
                            std::to_string(options.listen_port);
  }
  if (options.advertise_url.rfind("http://", 0) != 0 &&
      options.advertise_url.rfind("https://", 0) != 0) {
    return "--advertise_url must start with http:// or https://";
  }
  if (options.tls() && options.advertise_url.rfind("https://", 0) != 0) {
    return "--advertise_url must start with https:// when the API serves TLS (--tls_cert)";
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
