#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "cluster/zk_auth.h"

namespace scale::scheduler {

// Everything a replica is told at start-up (DESIGN.md section 5), already parsed.
struct ReplicaOptions {
  std::string zk;  // host:port,host:port[/chroot]
  std::chrono::milliseconds zk_session_timeout{10000};
  std::string election_path = "/scale/election";
  std::string db;  // libpq conninfo or URL; never logged
  // A hot standby of `db` the REST API reads from ("": it reads `db`); never logged.
  std::string db_read;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8000;
  std::string advertise_url;  // defaults to http://listen_host:listen_port
  std::string replica_id;     // defaults to hostname:port
  std::string hostname;
  std::string version;  // this build's, shown in the election data and /v6/version/
  std::chrono::milliseconds status_interval{2000};
  // How often the election node is refreshed (its liveness, cluster::Group); zero: never.
  std::chrono::milliseconds heartbeat_refresh{3000};
  std::chrono::seconds startup_timeout{15};
  std::string mesos_master;
  std::string mesos_ui_url;  // the Mesos web UI for sandbox links; "" = from the stored master
  std::string framework_name = "Scale";
  std::string framework_user = "root";
  std::string role = "*";
  std::chrono::seconds failover_timeout{7 * 24 * 3600};
  std::string mesos_principal;                     // FrameworkInfo.principal; "" = none
  std::string mesos_secret_file;                   // its secret for HTTP basic authentication
  std::optional<std::string> mesos_secret;         // its content (load_secrets); never logged
  std::chrono::seconds unknown_task_timeout{600};  // TASK_UNKNOWN asked about this long
  std::chrono::seconds unreachable_timeout{300};   // TASK_UNREACHABLE kept this long
  int retain_finished_days = 30;       // finished jobs older than this are deleted; 0 keeps them
  int max_unacked_updates = 10000;     // launches held above it (LaunchGate); 0 = no bound
  int max_launches_in_flight = 20000;  // launches held above it (LaunchGate); 0 = no bound
  std::string api_token_file;
  std::optional<std::string> api_token;    // its content (load_secrets); never logged or echoed
  bool api_token_reads = false;            // reads need the token too, health checks excepted
  std::string tls_cert_file;               // PEM certificate (chain); with tls_key_file: https
  std::string tls_key_file;                // PEM private key, unencrypted
  std::string zk_auth_file;                // "user:password" for ZooKeeper's digest scheme
  std::optional<cluster::ZkAuth> zk_auth;  // its content (load_secrets); never logged

  bool tls() const { return !tls_cert_file.empty(); }
};

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

// "host:port" -> HostPort; nullopt when malformed (missing port, port out of range, empty host).
std::optional<HostPort> parse_host_port(const std::string& text);

// Fills defaults that depend on other options (advertise_url, replica_id) and checks every value.
// Returns a one-line description of the first problem, or nullopt when the options are usable.
std::optional<std::string> finalize(ReplicaOptions& options);

// Reads the secret files named by the options (api_token_file into api_token, zk_auth_file into
// zk_auth, mesos_secret_file into mesos_secret). Surrounding whitespace and the final newline are
// dropped. Returns a one-line problem naming the flag and the file, never its content, when one is
// missing, unreadable, empty or malformed; nullopt when every named file was loaded.
std::optional<std::string> load_secrets(ReplicaOptions& options);

}  // namespace scale::scheduler
