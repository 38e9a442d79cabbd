#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace scale::db {
class Pool;
}

namespace scale::api {

// How this replica sees the cluster right now, supplied by the replica process (main.cpp wires it
// from cluster/). api/ never looks at ZooKeeper or scheduler internals itself.
enum class Role { Leader, Follower, Unknown };
struct LocalView {
  Role role = Role::Unknown;
  // replica_id of the candidate that currently leads in ZooKeeper (lowest node), if known.
  std::optional<std::string> zk_leader_replica_id;
};

struct ServerOptions {
  std::string listen_host = "127.0.0.1";
  uint16_t port = 8000;  // 0 is not allowed: callers pick a port
  std::string replica_id;
  std::string version;
  // The Mesos web UI that execution sandbox links point into; "" = the master the leader
  // stored when it is http(s):// (a zk:// master has no single UI address).
  std::string mesos_ui_url;
  size_t max_body_bytes = 1 << 20;               // larger bodies get 413
  std::chrono::seconds status_max_age{12};       // older status documents get 503
  std::chrono::milliseconds cache_refresh{250};  // how often the in-memory copies refresh
  // Rendered GET /v6/jobs/ pages kept with the snapshot they were read in (api/page_cache.h), so
  // a repeated read of unchanged rows costs one trivial query. 0: none. ~45 KB per 100 jobs.
  size_t job_pages_kept = 32;
  // Threads of cpprestsdk's pool, which is process-wide (every listener, client and pplx
  // continuation of the process): the first server started sets it, and only if nothing used
  // cpprestsdk before. 0: one per core, at least 2. Handlers there never block (database work
  // runs on the worker threads below), and more threads than cores only add context switches:
  // measured on 2 cores, 40 threads (cpprestsdk's default) serve ~4x fewer requests than 2.
  size_t http_threads = 0;
  // Threads that run the handlers waiting on PostgreSQL; more than the db::Pool's connections
  // would only wait for a lease. A request queued longer than database_queue_timeout gets 503.
  size_t database_threads = 4;
  std::chrono::milliseconds database_queue_timeout{1000};
  // The bearer token of --api_token_file; nullopt: no authentication. Never logged or echoed.
  std::optional<std::string> api_token;
  bool api_token_reads = false;  // reads need the token too (not /ping, /healthz, /leaderhealth)
  // Both set: serve https:// with this PEM certificate (chain) and key; both empty: http://.
  std::string tls_cert_file;
  std::string tls_key_file;
  // What the replica process counts, in the Prometheus text format, for GET /metrics; called on
  // cpprestsdk pool threads, so it must be thread-safe. Empty: only the API's own families.
  std::function<std::string()> replica_metrics;
};

// The size cpprestsdk's pool gets for ServerOptions::http_threads == configured on a machine with
// `hardware_threads` cores (0: unknown).
size_t http_thread_count(size_t configured, unsigned hardware_threads);

// The REST server every replica runs (DESIGN.md section 6). Reads come from PostgreSQL (or its hot
// standby) through an in-memory copy refreshed by LISTEN/NOTIFY and a short poll; writes are user
// intents stored in PostgreSQL. Every answer carries X-Scale-Replica and X-Scale-Leader. Errors are
// JSON {"detail"}.
class Server {
 public:
  // `view` is called on cpprestsdk pool threads for every request (headers, /leaderhealth,
  // /v6/leader/): it must be thread-safe and must not block. pool must outlive the server; PATCH
  // and /healthz lease from it for about a second at most. `reads`, when given, is a hot
  // standby's pool that the GETs of jobs, nodes and the queue and the in-memory copies read from
  // (--db_read); it must outlive the server too.
  Server(ServerOptions options, db::Pool& pool, std::function<LocalView()> view,
         db::Pool* reads = nullptr);
  ~Server();  // stops if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Throws std::runtime_error when the port cannot be bound or the TLS files cannot be used.
  void start();
  // Idempotent; closes the listener, waits for requests in handlers, joins the cache thread.
  // Call it from a thread of the caller's, never from a cpprestsdk pool thread (it waits on one).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scale::api
