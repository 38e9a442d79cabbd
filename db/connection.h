#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/error.h"

struct pg_conn;
struct pg_result;

namespace scale::db {

using Param = std::optional<std::string>;  // nullopt is SQL NULL
using Params = std::vector<Param>;

// The rows of one statement. Values are text (libpq text format).
class Result {
 public:
  explicit Result(pg_result* res);
  ~Result();
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  int columns() const;
  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;  // "" for NULL
  std::optional<std::string> get(int row, int col) const;
  long long integer(int row, int col) const;
  double real(int row, int col) const;   // float8 (and numeric) text
  bool boolean(int row, int col) const;  // 't' / 'f'
  long long affected() const;            // rows touched by INSERT/UPDATE/DELETE

 private:
  pg_result* res_;
};

struct Notification {
  std::string channel;
  std::string payload;
};

// One libpq connection (RAII). Every statement is parameterized ($1, $2 ...): there is no API that
// splices values into SQL text. Not thread-safe: one thread uses a connection at a time.
class Connection {
 public:
  // conninfo: libpq keyword string or postgresql:// URL. Throws Error when it cannot connect.
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result exec(std::string_view sql, const Params& params = {});

  // Runs fn inside BEGIN ... COMMIT; rolls back and rethrows on any exception. When a transaction
  // is already open, fn simply runs inside it: a nested BEGIN/COMMIT would commit the outer one
  // early.
  void transaction(const std::function<void(Connection&)>& fn);

  void listen(std::string_view channel);
  // Waits up to timeout for notifications on LISTENed channels; returns what arrived (maybe none).
  std::vector<Notification> wait_notifications(std::chrono::milliseconds timeout);

  // False once the server connection is broken; the pool then drops this connection.
  bool ok() const;

  // Reads whatever the server sent while the connection sat idle (a shutdown notice, EOF) without a
  // round trip, so a connection killed by a server restart is noticed before it is handed out.
  // Returns ok().
  bool probe();

  // True while a transaction is open (BEGIN issued, neither COMMIT nor ROLLBACK yet).
  bool in_transaction() const;

  // The server process serving this connection (pg_stat_activity.pid); for diagnostics and tests.
  int backend_pid() const;

  // The epoch of the Fence::run transaction currently open on this connection, if any. Stores of
  // leader-owned tables use it to join that transaction instead of opening their own.
  std::optional<long long> fence_epoch() const { return fence_epoch_; }

  // Runs a multi-statement SQL script that has no parameters. Only for the migration files compiled
  // into the binary: never pass text built from input.
  void exec_script(std::string_view sql);

 private:
  friend class Fence;  // sets fence_epoch_ for the duration of a fenced transaction

  pg_conn* conn_;
  std::optional<long long> fence_epoch_;
};

// A small fixed-size pool. acquire() blocks until a connection is free (or throws Error after
// timeout); broken connections are replaced on the next acquire. Connections are opened lazily, up
// to `size`, so a replica can start while the database is still coming up. Thread-safe. Every Lease
// must be gone before the Pool is destroyed. Do not LISTEN on a pooled connection: notifications
// would pile up unread; use a dedicated Connection.
class Pool {
 public:
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn);
    ~Lease();
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  Pool(std::string conninfo, size_t size);
  ~Pool();
  Lease acquire(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  const std::string& conninfo() const;

 private:
  struct State;
  void release(std::unique_ptr<Connection> conn);
  std::unique_ptr<State> state_;
};

}  // namespace scale::db
