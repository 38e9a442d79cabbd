#pragma once

#include <stdexcept>
#include <string>

namespace scale::db {

// Any database failure: connection lost, query error, constraint violation.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
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
