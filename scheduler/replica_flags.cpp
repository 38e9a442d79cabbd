#include "scheduler/replica_flags.h"

#include <gflags/gflags.h>
#include <unistd.h>

#include <iostream>
#include <vector>

#include "api/tls_identity.h"

DEFINE_string(zk, "", "ZooKeeper connect string: host:port[,host:port][/chroot]");
DEFINE_int32(zk_session_timeout_ms, 10000,
             "ZooKeeper session timeout (failover time vs false failovers)");
DEFINE_string(election_path, "/scale/election", "ZooKeeper path of the leader election");
DEFINE_string(db, "",
              "PostgreSQL libpq conninfo or URL; keep the password in PGPASSFILE or PGPASSWORD");
DEFINE_string(db_read, "",
              "Optional libpq conninfo of a hot standby of --db that the REST API reads jobs, "
              "nodes, the queue and the status from; writes always go to --db");
DEFINE_string(mesos_master, "", "Mesos master: http://host:5050 or zk://hosts/mesos");
DEFINE_string(mesos_ui_url, "",
              "Base URL of the Mesos web UI for sandbox links (default: --mesos_master when it "
              "is http(s)://; none for zk://)");
DEFINE_string(framework_name, "Scale", "Mesos framework name");
DEFINE_string(framework_user, "root", "Mesos framework user");
DEFINE_string(role, "*", "Mesos role");
DEFINE_int64(failover_timeout_s, 7 * 24 * 3600, "Mesos framework failover timeout in seconds");
DEFINE_string(listen, "127.0.0.1:8000", "host:port the REST API listens on");
DEFINE_string(advertise_url, "",
              "URL other replicas and clients reach this replica at (default http://<listen>)");
DEFINE_string(replica_id, "", "Name of this replica (default hostname:port)");
DEFINE_int32(status_interval_ms, 2000, "How often the leader writes the status document");
DEFINE_int32(heartbeat_refresh_ms, 3000,
             "How often this replica refreshes its ZooKeeper election node to prove it is alive "
             "(cluster.replicas[].heartbeat_age_s of /v6/status/); 0: never");
DEFINE_int32(startup_timeout_s, 15, "How long to wait for the database at start-up");
DEFINE_string(api_token_file, "",
              "File holding the bearer token mutating API calls need (Authorization: Bearer)");
DEFINE_bool(api_token_reads, false,
            "Reads need the token too, except /ping, /healthz and /leaderhealth");
DEFINE_string(tls_cert, "", "PEM certificate (chain) of the API; with --tls_key it serves https");
DEFINE_string(tls_key, "", "PEM private key (unencrypted) of --tls_cert");
DEFINE_int32(
    unknown_task_timeout_s, 600,
    "How long a task the Mesos master calls TASK_UNKNOWN (its agent has not re-registered, "
    "e.g. after a master failover) is asked about again before it is finished as lost "
    "and its job retried");
DEFINE_int32(unreachable_timeout_s, 300,
             "How long after the Mesos master marked its agent unreachable (TASK_UNREACHABLE's "
             "unreachable_time) an execution is ended as lost and its job retried elsewhere; the "
             "task is killed should its agent come back");
DEFINE_int32(retain_finished_days, 30,
             "The leader deletes jobs COMPLETED, FAILED or CANCELED more than this many days ago, "
             "with their executions and task updates; 0 keeps them forever");
DEFINE_int32(max_unacked_updates, 10000,
             "Backpressure: launches are held while more task status updates than this wait for "
             "their acknowledgement, and resume at half of it; 0 = no bound");
DEFINE_int32(max_launches_in_flight, 20000,
             "Backpressure: launches are held while more launched tasks than this have had no "
             "status update yet, and resume at half of it; 0 = no bound");
DEFINE_string(mesos_principal, "",
              "Principal of the framework (FrameworkInfo.principal); with --mesos_secret_file the "
              "replica authenticates to a master that has --authenticate_http_frameworks");
DEFINE_string(mesos_secret_file, "",
              "File holding the secret of --mesos_principal (HTTP basic authentication)");
DEFINE_string(zk_auth_file, "",
              "File holding user:password: ZooKeeper digest credential; the election nodes get an "
              "ACL writable only with it");

namespace scale::scheduler {

namespace {

constexpr const char* kFlagNames =
    "zk,zk_session_timeout_ms,election_path,db,db_read,mesos_master,mesos_ui_url,framework_name,"
    "framework_"
    "user,role,"
    "failover_timeout_s,listen,advertise_url,replica_id,status_interval_ms,heartbeat_refresh_ms,"
    "startup_timeout_s,"
    "api_token_file,api_token_reads,tls_cert,tls_key,zk_auth_file,mesos_principal,"
    "mesos_secret_file,unknown_task_timeout_s,unreachable_timeout_s,retain_finished_days,"
    "max_unacked_updates,max_launches_in_flight";

std::string local_hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// Parses argv and the environment into the FLAGS_ variables; false after printing the problem.
bool parse_command_line(int argc, char** argv) {
  gflags::SetUsageMessage("scale-scheduler --zk=HOSTS --db=CONNINFO [--listen=HOST:PORT] ...");
  gflags::SetVersionString("0.1.0");
  // Every flag may come from FLAGS_<name> in the environment; the command line still wins
  // because it is parsed after.
  std::string fromenv = std::string("--tryfromenv=") + kFlagNames;
  std::vector<char*> args(argv, argv + argc);
  args.insert(args.begin() + 1, fromenv.data());
  args.push_back(nullptr);
  int count = argc + 1;
  char** with_env = args.data();
  gflags::ParseCommandLineFlags(&count, &with_env, true);
  if (count > 1) {
    std::cerr << "scale-scheduler: unexpected argument '" << with_env[1] << "'" << std::endl;
    return false;
  }
  return true;
}

ReplicaOptions options_from_flags() {
  ReplicaOptions options;
  options.zk = FLAGS_zk;
  options.zk_session_timeout = std::chrono::milliseconds(FLAGS_zk_session_timeout_ms);
  options.election_path = FLAGS_election_path;
  options.db = FLAGS_db;
  options.db_read = FLAGS_db_read;
  options.mesos_master = FLAGS_mesos_master;
  options.mesos_ui_url = FLAGS_mesos_ui_url;
  options.framework_name = FLAGS_framework_name;
  options.framework_user = FLAGS_framework_user;
  options.role = FLAGS_role;
  options.failover_timeout = std::chrono::seconds(FLAGS_failover_timeout_s);
  options.advertise_url = FLAGS_advertise_url;
  options.replica_id = FLAGS_replica_id;
  options.hostname = local_hostname();
  options.status_interval = std::chrono::milliseconds(FLAGS_status_interval_ms);
  options.heartbeat_refresh = std::chrono::milliseconds(FLAGS_heartbeat_refresh_ms);
  options.startup_timeout = std::chrono::seconds(FLAGS_startup_timeout_s);
  options.api_token_file = FLAGS_api_token_file;
  options.api_token_reads = FLAGS_api_token_reads;
  options.tls_cert_file = FLAGS_tls_cert;
  options.tls_key_file = FLAGS_tls_key;
  options.zk_auth_file = FLAGS_zk_auth_file;
  options.mesos_principal = FLAGS_mesos_principal;
  options.mesos_secret_file = FLAGS_mesos_secret_file;
  options.unknown_task_timeout = std::chrono::seconds(FLAGS_unknown_task_timeout_s);
  options.unreachable_timeout = std::chrono::seconds(FLAGS_unreachable_timeout_s);
  options.retain_finished_days = FLAGS_retain_finished_days;
  options.max_unacked_updates = FLAGS_max_unacked_updates;
  options.max_launches_in_flight = FLAGS_max_launches_in_flight;
  return options;
}

// Checks the options and loads the files they name; the first problem as one line.
std::optional<std::string> complete(ReplicaOptions& options) {
  auto listen = parse_host_port(FLAGS_listen);
  if (!listen) return "--listen='" + FLAGS_listen + "' is not host:port";
  options.listen_host = listen->host;
  options.listen_port = listen->port;
  if (auto problem = finalize(options)) return problem;
  if (auto problem = load_secrets(options)) return problem;
  if (options.tls()) {
    // Loaded here only to fail fast with exit 2; the API server loads its own copy at start.
    try {
      api::TlsIdentity::load(options.tls_cert_file, options.tls_key_file);
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ReplicaOptions> parse_replica_flags(int argc, char** argv) {
  if (!parse_command_line(argc, argv)) return std::nullopt;
  ReplicaOptions options = options_from_flags();
  if (auto problem = complete(options)) {
    std::cerr << "scale-scheduler: " << *problem << std::endl;
    return std::nullopt;
  }
  return options;
}

}  // namespace scale::scheduler
