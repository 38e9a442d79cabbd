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

  // Runs fn inside BEGIN ... COMMIT; rolls back and rethrows on any exception.
  void transaction(const std::function<void(Connection&)>& fn);

  void listen(std::string_view channel);
  // Waits up to timeout for notifications on LISTENed channels; returns what arrived (maybe none).
  std::vector<Notification> wait_notifications(std::chrono::milliseconds timeout);

  // False once the server connection is broken; the pool then drops this connection.
  bool ok() const;

 private:
  pg_conn* conn_;
};

// A small fixed-size pool. acquire() blocks until a connection is free (or throws Error after
// timeout); broken connections are replaced on the next acquire.
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
