#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace scale::db {

// Any database failure: connection lost, query error, constraint violation.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  Error(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}

  // The server's SQLSTATE (e.g. "23505" unique violation, "23514" check violation) so callers can
  // map constraint errors to HTTP answers; "" when the error did not come from the server.
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// A leader write was refused because the stored epoch is no longer the writer's term.
class FencedOut : public Error {
 public:
  FencedOut(long long term_epoch, long long stored_epoch);
  long long term_epoch() const { return term_epoch_; }
  long long stored_epoch() const { return stored_epoch_; }

 private:
  long long term_epoch_;
  long long stored_epoch_;
};

}  // namespace scale::db
