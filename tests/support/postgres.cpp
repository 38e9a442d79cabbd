#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include "tests/support/internal.h"
#include "tests/support/servers.h"

namespace scale::test {
namespace {

using std::chrono::milliseconds;

const std::filesystem::path kBin = "/usr/lib/postgresql/15/bin";
const char* const kPackage = "postgresql-15 (postgresql)";
constexpr milliseconds kInitdbDeadline{60000};
constexpr milliseconds kReadyDeadline{20000};
constexpr milliseconds kStopDeadline{20000};
constexpr int kStartAttempts = 3;  // a new port after a bind failure (port taken meanwhile)

// A libpq conninfo value in single quotes.
std::string quote_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// Runs one SQL command; throws with the server's message on failure.
void exec_sql(PGconn* conn, const std::string& sql) {
  PGresult* res = PQexec(conn, sql.c_str());
  bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  std::string error = ok ? "" : PQresultErrorMessage(res);
  PQclear(res);
  if (!ok) throw std::runtime_error("PostgresServer: `" + sql + "` failed: " + error);
}

// The first value the query returns; throws with the server's message on failure.
std::string query_value(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string error = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("PostgresServer: connect: " + error);
  }
  PGresult* res = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0;
  std::string value = ok ? PQgetvalue(res, 0, 0) : PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("PostgresServer: `" + sql + "` failed: " + value);
  return value;
}

// One command on its own connection; throws with the server's message on failure.
void run_sql(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  try {
    exec_sql(conn, sql);
  } catch (...) {
    PQfinish(conn);
    throw;
  }
  PQfinish(conn);
}

// Polls the query until it returns `want` (a failing query counts as not yet); false on timeout.
bool wait_for_value(const std::string& conninfo, const std::string& sql, const std::string& want,
                    milliseconds timeout) {
  return wait_until(
      [&] {
        try {
          return query_value(conninfo, sql) == want;
        } catch (const std::exception&) {
          return false;
        }
      },
      timeout);
}

}  // namespace

struct PostgresServer::Impl {
  // Under /tmp, not TMPDIR: every parent directory must be reachable by the postgres user.
  TempDir dir{"scale-pg", "/tmp"};
  std::filesystem::path data = dir.path() / "data";
  std::filesystem::path log = dir.path() / "postgres.log";
  std::string user;  // run as this user ("postgres" when we are root)
  uint16_t port = 0;
  std::vector<std::string> settings;  // more -c name=value for the postmaster
  std::unique_ptr<ChildProcess> postmaster;

  ChildSpec spec(std::vector<std::string> argv, const std::filesystem::path& log_path) const {
    return ChildSpec{std::move(argv), log_path, {}, user, dir.path()};
  }
  void prepare_user();
  void initdb();
  void spawn();
  bool ready() const { return PQping(conninfo("postgres").c_str()) == PQPING_OK; }
  std::string conninfo(const std::string& db) const {
    return "host=127.0.0.1 port=" + std::to_string(port) +
           " user=postgres connect_timeout=5 dbname=" + quote_value(db);
  }
  bool start_and_wait(std::string* failure);
  // start_and_wait on a free port, another one after a bind failure; throws when none worked.
  void start_on_free_port();
  void stop();
};

void PostgresServer::Impl::prepare_user() {
  if (geteuid() != 0) return;  // not root: initdb and postgres run as ourselves
  const passwd* pw = getpwnam("postgres");
  if (pw == nullptr) {
    throw std::runtime_error(std::string("missing user postgres: install the Debian package ") +
                             kPackage);
  }
  user = "postgres";
  if (chown(dir.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    throw std::runtime_error("PostgresServer: cannot chown " + dir.path().string());
  }
}

void PostgresServer::Impl::initdb() {
  std::filesystem::path initdb_log = dir.path() / "initdb.log";
  ChildProcess proc(
      spec({(kBin / "initdb").string(), "-D", data.string(), "-U", "postgres", "-A", "trust", "-E",
            "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
           initdb_log));
  int status = proc.wait(kInitdbDeadline);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(detail::with_log_tail(
        status == -1 ? "initdb did not finish within 60 s" : "initdb failed", initdb_log));
  }
}

void PostgresServer::Impl::spawn() {
  std::vector<std::string> argv{(kBin / "postgres").string(), "-D", data.string(),       "-p",
                                std::to_string(port),         "-k", dir.path().string(), "-c",
                                "listen_addresses=127.0.0.1", "-c", "fsync=off",         "-c",
                                "max_connections=200"};
  for (const auto& setting : settings) {
    argv.push_back("-c");
    argv.push_back(setting);
  }
  postmaster = std::make_unique<ChildProcess>(spec(std::move(argv), log));
}

// Starts the postmaster and waits until it accepts connections. false (with *failure) when it
// exited (e.g. the port was taken); throws on timeout.
bool PostgresServer::Impl::start_and_wait(std::string* failure) {
  spawn();
  bool ok = wait_until([&] { return ready() || !postmaster->running(); }, kReadyDeadline) &&
            postmaster->running();
  if (ok) return true;
  bool exited = !postmaster->running();
  postmaster->kill_and_wait();
  *failure = detail::with_log_tail(
      exited ? "postgres exited during startup" : "postgres not accepting connections within 20 s",
      log);
  if (!exited) throw std::runtime_error(*failure);
  return false;
}

void PostgresServer::Impl::start_on_free_port() {
  std::string failure;
  for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
    port = free_port();
    if (start_and_wait(&failure)) return;
  }
  throw std::runtime_error(failure);
}

void PostgresServer::Impl::stop() {
  if (!postmaster || !postmaster->running()) return;
  postmaster->signal(SIGINT);  // fast shutdown: also frees its shared memory
  if (postmaster->wait(kStopDeadline) == -1) postmaster->kill_and_wait();
}

PostgresServer::PostgresServer() : impl_(std::make_unique<Impl>()) {
  detail::require_file(kBin / "initdb", kPackage);
  detail::require_file(kBin / "postgres", kPackage);
  impl_->prepare_user();
  impl_->initdb();
  impl_->start_on_free_port();
}

PostgresServer::~PostgresServer() {
  impl_->stop();
}

uint16_t PostgresServer::port() const {
  return impl_->port;
}

std::string PostgresServer::conninfo(const std::string& db) const {
  return impl_->conninfo(db);
}

std::string PostgresServer::create_database(const std::string& name) {
  PGconn* conn = PQconnectdb(conninfo("postgres").c_str());
  try {
    if (PQstatus(conn) != CONNECTION_OK) {
      throw std::runtime_error(std::string("PostgresServer: connect: ") + PQerrorMessage(conn));
    }
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
    char* escaped = PQescapeIdentifier(conn, name.data(), name.size());
    if (escaped == nullptr) {
      throw std::runtime_error(std::string("PostgresServer: bad name: ") + PQerrorMessage(conn));
    }
    std::string ident(escaped);
    PQfreemem(escaped);
    exec_sql(conn, "DROP DATABASE IF EXISTS " + ident + " WITH (FORCE)");
    exec_sql(conn, "CREATE DATABASE " + ident);
  } catch (...) {
    PQfinish(conn);
    throw;
  }
  PQfinish(conn);
  return conninfo(name);
}

void PostgresServer::stop() {
  impl_->stop();
}

void PostgresServer::crash() {
  if (!impl_->postmaster || !impl_->postmaster->running()) return;
  impl_->postmaster->signal(SIGQUIT);  // immediate shutdown: every backend exits at once
  if (impl_->postmaster->wait(kStopDeadline) == -1) impl_->postmaster->kill_and_wait();
}

void PostgresServer::start() {
  if (impl_->postmaster && impl_->postmaster->running()) return;
  std::string failure;
  if (!impl_->start_and_wait(&failure)) throw std::runtime_error(failure);
}

void PostgresServer::restart() {
  stop();
  start();
}

std::filesystem::path PostgresServer::log_path() const {
  return impl_->log;
}

namespace {

constexpr const char* kStandbyName = "scale_standby";  // its cluster_name, the walreceiver's name

}  // namespace

PostgresStandby::PostgresStandby(PostgresServer& primary, bool synchronous)
    : impl_(std::make_unique<PostgresServer::Impl>()) {
  detail::require_file(kBin / "pg_basebackup", kPackage);
  impl_->prepare_user();
  const std::filesystem::path backup_log = impl_->dir.path() / "basebackup.log";
  ChildProcess backup(impl_->spec(
      {(kBin / "pg_basebackup").string(), "-h", "127.0.0.1", "-p", std::to_string(primary.port()),
       "-U", "postgres", "-D", impl_->data.string(), "-X", "stream", "-c", "fast", "-R"},
      backup_log));
  const int status = backup.wait(kInitdbDeadline);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(detail::with_log_tail("pg_basebackup failed", backup_log));
  }
  impl_->settings = {std::string("cluster_name=") + kStandbyName, "hot_standby=on"};
  impl_->start_on_free_port();
  const std::string on_primary = primary.conninfo();
  if (synchronous) {
    run_sql(on_primary,
            std::string("ALTER SYSTEM SET synchronous_standby_names = '") + kStandbyName + "'");
    query_value(on_primary, "SELECT pg_reload_conf()");
  }
  const std::string want = synchronous ? "sync" : "async";
  const std::string state = std::string(
                                "SELECT coalesce((SELECT sync_state FROM pg_stat_replication WHERE "
                                "application_name = '") +
                            kStandbyName + "' AND state = 'streaming'), '')";
  if (!wait_for_value(on_primary, state, want, kReadyDeadline)) {
    throw std::runtime_error(detail::with_log_tail(
        "the standby is not streaming (" + want + ") within 20 s", impl_->log));
  }
}

PostgresStandby::~PostgresStandby() {
  impl_->stop();
}

uint16_t PostgresStandby::port() const {
  return impl_->port;
}

std::string PostgresStandby::conninfo(const std::string& db) const {
  return impl_->conninfo(db);
}

void PostgresStandby::promote() {
  query_value(conninfo(), "SELECT pg_promote(true, 60)");
  if (!wait_for_value(conninfo(), "SELECT pg_is_in_recovery()", "f", kReadyDeadline)) {
    throw std::runtime_error(
        detail::with_log_tail("the promoted standby is still in recovery", impl_->log));
  }
}

std::filesystem::path PostgresStandby::log_path() const {
  return impl_->log;
}

std::string failover_conninfo(const PostgresServer& primary, const PostgresStandby& standby,
                              const std::string& db) {
  return "host=127.0.0.1,127.0.0.1 port=" + std::to_string(primary.port()) + "," +
         std::to_string(standby.port()) +
         " user=postgres connect_timeout=2 target_session_attrs=read-write dbname=" +
         quote_value(db);
}

}  // namespace scale::test
