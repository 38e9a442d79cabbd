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

}  // namespace

struct PostgresServer::Impl {
  // Under /tmp, not TMPDIR: every parent directory must be reachable by the postgres user.
  TempDir dir{"scale-pg", "/tmp"};
  std::filesystem::path data = dir.path() / "data";
  std::filesystem::path log = dir.path() / "postgres.log";
  std::string user;  // run as this user ("postgres" when we are root)
  uint16_t port = 0;
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
  postmaster = std::make_unique<ChildProcess>(
      spec({(kBin / "postgres").string(), "-D", data.string(), "-p", std::to_string(port), "-k",
            dir.path().string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
            "max_connections=200"},
           log));
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
  std::string failure;
  for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
    impl_->port = free_port();
    if (impl_->start_and_wait(&failure)) return;
  }
  throw std::runtime_error(failure);
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

}  // namespace scale::test
