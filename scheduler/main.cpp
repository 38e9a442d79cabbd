// scale-scheduler: one replica of the Scale Scheduler cluster (DESIGN.md section 5).
#include <gflags/gflags.h>
#include <glog/logging.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <optional>
#include <thread>

#include "api/server.h"
#include "cluster/ensemble.h"
#include "cluster/group.h"
#include "cluster/zookeeper_contender.h"
#include "cluster/zookeeper_detector.h"
#include "db/connection.h"
#include "db/migrations.h"
#include "db/scheduler_settings_store.h"
#include "scheduler/cluster_viewer.h"
#include "scheduler/log_level.h"
#include "scheduler/notify_listener.h"
#include "scheduler/replica.h"
#include "scheduler/replica_flags.h"

namespace {

constexpr const char* kVersion = "0.1.0";

// libpq messages span lines; an operator's start-up failure should be one line.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// Connect and migrate, retrying while the database comes up; one clear line and exit on failure.
bool migrate_database(const scale::scheduler::ReplicaOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() + options.startup_timeout;
  std::string last_error;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      scale::db::Connection conn(options.db);
      const int applied = scale::db::migrate(conn);
      LOG(INFO) << "database: " << applied << " migration(s) applied";
      return true;
    } catch (const scale::db::Error& e) {
      last_error = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::cerr << "scale-scheduler: database unreachable after " << options.startup_timeout.count()
            << " s: " << one_line(last_error) << std::endl;
  return false;
}

scale::api::ServerOptions api_options(const scale::scheduler::ReplicaOptions& options) {
  scale::api::ServerOptions api;
  api.listen_host = options.listen_host;
  api.port = options.listen_port;
  api.replica_id = options.replica_id;
  api.version = options.version;
  api.mesos_ui_url = options.mesos_ui_url;
  api.api_token = options.api_token;
  api.api_token_reads = options.api_token_reads;
  api.tls_cert_file = options.tls_cert_file;
  api.tls_key_file = options.tls_key_file;
  return api;
}

// What is protected, never with what: no secret reaches the log.
void log_security(const scale::scheduler::ReplicaOptions& options) {
  LOG(INFO) << "security: API token "
            << (!options.api_token ? "off"
                                   : (options.api_token_reads ? "required for every call but "
                                                                "/ping, /healthz, /leaderhealth"
                                                              : "required for writes"))
            << "; TLS " << (options.tls() ? "on" : "off") << "; ZooKeeper digest ACL "
            << (options.zk_auth ? "on" : "off");
}

scale::api::LocalView local_view(const scale::scheduler::Replica& replica,
                                 const scale::scheduler::ClusterViewer& viewer) {
  scale::api::LocalView view;
  view.zk_leader_replica_id = viewer.leader();
  if (replica.leading()) {
    view.role = scale::api::Role::Leader;
  } else if (view.zk_leader_replica_id) {
    view.role = scale::api::Role::Follower;
  }
  return view;
}

// Runs the candidate loop until SIGTERM/SIGINT or a fatal election error, then resigns and stops
// the API. Returns the exit status: 0, or 1 with the reason in *fatal.
int run_until_signal(scale::scheduler::Replica& replica, scale::api::Server& server,
                     const sigset_t& signals, std::string* fatal) {
  std::jthread candidate([&](std::stop_token stop) {
    replica.run(stop);
    // A fatal error ends run() early: wake the main thread's sigwait so the process exits.
    if (!stop.stop_requested()) kill(getpid(), SIGTERM);
  });
  int sig = 0;
  sigwait(&signals, &sig);
  const auto error = replica.fatal_error();
  if (!error) LOG(INFO) << "signal " << sig << ": resigning and exiting";
  candidate.request_stop();
  candidate.join();
  server.stop();
  if (!error) return 0;
  *fatal = *error;
  return 1;
}

// Serves as a replica until a signal or a fatal error, everything that talks to the scheduler's
// ensemble on its one session. Every object it makes is gone when it returns, so the caller's
// one-line error is the last thing on stderr (their destructors log).
int serve(const scale::scheduler::ReplicaOptions& options,
          const std::shared_ptr<scale::cluster::Ensemble>& ensemble, const sigset_t& signals,
          std::string* fatal) {
  scale::db::Pool pool(options.db, 4);
  // Reads from a hot standby, when one is named, take load off the primary; never logged (it may
  // hold a password).
  std::optional<scale::db::Pool> reads;
  if (!options.db_read.empty()) {
    reads.emplace(options.db_read, 4);
    LOG(INFO) << "database: the REST API reads from --db_read";
  }
  auto election = std::make_shared<scale::cluster::Group>(ensemble, options.election_path,
                                                          scale::cluster::election_members(),
                                                          options.heartbeat_refresh);
  scale::cluster::ZooKeeperDetector replicas(election);
  scale::cluster::ZooKeeperContender contender(election);
  scale::scheduler::ClusterViewer viewer(replicas);
  scale::scheduler::ReplicaMetrics metrics;
  scale::scheduler::Replica replica(options, contender, replicas, &metrics);

  auto api = api_options(options);
  api.replica_metrics = [&metrics] { return metrics.render(); };
  scale::api::Server server(
      std::move(api), pool, [&] { return local_view(replica, viewer); }, reads ? &*reads : nullptr);
  try {
    server.start();
  } catch (const std::exception& e) {
    *fatal = "cannot serve the API on " + options.listen_host + ":" +
             std::to_string(options.listen_port) + ": " + one_line(e.what());
    return 1;
  }

  // Every replica, leader or follower, follows the system_logging_level setting live.
  scale::scheduler::NotifyListener logging_level(
      options.db, {"scale_settings"},
      [](scale::db::Connection& conn, const scale::db::Notification&) {
        try {
          scale::scheduler::apply_logging_level(
              scale::db::SchedulerSettingsStore::get(conn).system_logging_level);
        } catch (const scale::db::Error& e) {
          LOG(WARNING) << "logging level: cannot read the settings: " << e.what();
        }
      });
  return run_until_signal(replica, server, signals, fatal);
}

// A typo in --zk must not leave a replica serving as a follower forever: at start-up the ensemble
// must answer within the start-up timeout (later outages are ridden out, not fatal).
bool reach_zookeeper(const scale::scheduler::ReplicaOptions& options,
                     scale::cluster::Ensemble& ensemble) {
  std::string problem;
  if (auto session = ensemble.session()) {
    if (session->wait_connected(options.startup_timeout)) return true;
    problem = "no server of " + options.zk + " answered";
  } else {
    problem = one_line(ensemble.last_error());
  }
  ensemble.close();  // it logs: before the verdict, which must be the last line
  std::cerr << "scale-scheduler: ZooKeeper unreachable after " << options.startup_timeout.count()
            << " s: " << problem << std::endl;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // Logs go to stderr (systemd's journal, tools/cluster's log files) unless told otherwise.
  FLAGS_logtostderr = true;
  auto options = scale::scheduler::parse_replica_flags(argc, argv);
  if (!options) return 2;
  options->version = kVersion;
  google::InitGoogleLogging(argv[0]);

  // Signals are taken synchronously by the main thread; every other thread inherits this mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (!migrate_database(*options)) return 1;
  // The replica's one session with its ensemble, shared by the election, the leader view and a
  // zk:// Mesos master detection on the same servers.
  auto ensemble =
      scale::cluster::Ensemble::shared(options->zk, options->zk_session_timeout, options->zk_auth);
  if (!reach_zookeeper(*options, *ensemble)) return 1;
  LOG(INFO) << "replica " << options->replica_id << " starting, api " << options->advertise_url;
  log_security(*options);

  std::string fatal;
  const int status = serve(*options, ensemble, signals, &fatal);
  ensemble->close();
  if (status != 0) {
    std::cerr << "scale-scheduler: " << fatal << std::endl;
    return status;
  }
  LOG(INFO) << "replica " << options->replica_id << " stopped";
  return 0;
}
