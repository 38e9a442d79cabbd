#include "db/connection.h"

#include <glog/logging.h>
#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

namespace scale::db {

namespace {

// Messages from libpq end with a newline (sometimes several lines); keep them one log line.
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Never the conninfo: libpq's own messages name host and port at most, never the password.
std::string connection_message(const pg_conn* conn) {
  return trim(conn == nullptr ? "out of memory" : PQerrorMessage(conn));
}

Error result_error(const pg_conn* conn, const pg_result* res) {
  if (res == nullptr) return Error("db: " + connection_message(conn));
  const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  const char* sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  std::string message = primary != nullptr ? primary : trim(PQresultErrorMessage(res));
  if (message.empty()) message = connection_message(conn);
  std::string state = sqlstate != nullptr ? sqlstate : "";
  if (!state.empty()) message += " [SQLSTATE " + state + "]";
  return Error("db: " + message, state);
}

Result checked(pg_conn* conn, pg_result* raw) {
  Result res(raw);
  ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw result_error(conn, raw);
  return res;
}

// Server notices ("relation already exists, skipping") would otherwise go straight to stderr.
void log_notice(void*, const char* message) {
  VLOG(1) << "postgres: " << trim(message);
}

}  // namespace

Connection::Connection(const std::string& conninfo) {
  // Keywords before "dbname" are defaults: with expand_dbname the conninfo's own values override.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "scale-scheduler", conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    std::string message = connection_message(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error("db: cannot connect: " + message);
  }
  PQsetNoticeProcessor(conn_, log_notice, nullptr);
}

Connection::~Connection() {
  PQfinish(conn_);
}

Result Connection::exec(std::string_view sql, const Params& params) {
  const std::string text(sql);  // libpq wants NUL-terminated SQL
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  pg_result* raw = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()),
                                /*paramTypes=*/nullptr, values.data(), /*paramLengths=*/nullptr,
                                /*paramFormats=*/nullptr, /*resultFormat=*/0);
  return checked(conn_, raw);
}

void Connection::exec_script(std::string_view sql) {
  const std::string text(sql);
  checked(conn_, PQexec(conn_, text.c_str()));
}

void Connection::transaction(const std::function<void(Connection&)>& fn) {
  if (in_transaction()) {
    fn(*this);
    return;
  }
  exec("BEGIN");
  try {
    fn(*this);
    exec("COMMIT");
  } catch (...) {
    // A failed COMMIT has already ended the transaction; a broken connection has no transaction.
    if (ok() && in_transaction()) {
      try {
        exec("ROLLBACK");
      } catch (const Error& e) {
        LOG(WARNING) << "db: rollback failed: " << e.what();
      }
    }
    throw;
  }
}

void Connection::listen(std::string_view channel) {
  // LISTEN takes an identifier, not a value: it cannot be a $1 parameter, so it is quoted instead.
  const std::string name(channel);
  char* quoted = PQescapeIdentifier(conn_, name.c_str(), name.size());
  if (quoted == nullptr) throw Error("db: bad channel name: " + connection_message(conn_));
  std::string sql = std::string("LISTEN ") + quoted;
  PQfreemem(quoted);
  exec(sql);
}

namespace {

void drain_notifications(pg_conn* conn, std::vector<Notification>& out) {
  while (PGnotify* n = PQnotifies(conn)) {
    out.push_back({n->relname, n->extra});
    PQfreemem(n);
  }
}

}  // namespace

std::vector<Notification> Connection::wait_notifications(std::chrono::milliseconds timeout) {
  std::vector<Notification> out;
  drain_notifications(conn_, out);  // some may have arrived during an earlier statement
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.empty()) {
    const int fd = PQsocket(conn_);
    if (fd < 0) throw Error("db: connection is broken");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw Error(std::string("db: poll failed: ") + std::strerror(errno));
    if (ready == 0) break;
    if (PQconsumeInput(conn_) == 0) throw Error("db: " + connection_message(conn_));
    drain_notifications(conn_, out);
  }
  return out;
}

bool Connection::ok() const {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::probe() {
  // An idle connection only has unread input if the server said something on its own: a shutdown
  // notice followed by EOF, or a notification. Reading it marks a dead connection CONNECTION_BAD.
  for (int i = 0; i < 8 && ok(); ++i) {
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    if (pfd.fd < 0 || ::poll(&pfd, 1, 0) <= 0) break;
    if (PQconsumeInput(conn_) == 0) break;
  }
  return ok();
}

bool Connection::in_transaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

int Connection::backend_pid() const {
  return PQbackendPID(conn_);
}

}  // namespace scale::db
