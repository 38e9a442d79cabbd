#include <libpq-fe.h>

#include <charconv>
#include <cstring>
#include <utility>

#include "db/connection.h"

namespace scale::db {

Result::Result(pg_result* res) : res_(res) {}

Result::~Result() {
  if (res_ != nullptr) PQclear(res_);
}

Result::Result(Result&& other) noexcept : res_(std::exchange(other.res_, nullptr)) {}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (res_ != nullptr) PQclear(res_);
    res_ = std::exchange(other.res_, nullptr);
  }
  return *this;
}

int Result::rows() const {
  return res_ == nullptr ? 0 : PQntuples(res_);
}

int Result::columns() const {
  return res_ == nullptr ? 0 : PQnfields(res_);
}

namespace {

// Out-of-range access is a programming error, but throwing keeps a bad query from crashing a
// replica (libpq itself would return "" or read out of bounds).
void check_cell(pg_result* res, int row, int col) {
  if (res == nullptr || row < 0 || col < 0 || row >= PQntuples(res) || col >= PQnfields(res)) {
    throw Error("db: result has no cell (" + std::to_string(row) + ", " + std::to_string(col) +
                ")");
  }
}

}  // namespace

bool Result::is_null(int row, int col) const {
  check_cell(res_, row, col);
  return PQgetisnull(res_, row, col) != 0;
}

std::string Result::text(int row, int col) const {
  check_cell(res_, row, col);
  return std::string(PQgetvalue(res_, row, col), PQgetlength(res_, row, col));
}

std::optional<std::string> Result::get(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return text(row, col);
}

long long Result::integer(int row, int col) const {
  if (is_null(row, col)) {
    throw Error("db: NULL where an integer was expected in column " + std::to_string(col));
  }
  const char* value = PQgetvalue(res_, row, col);
  const char* end = value + PQgetlength(res_, row, col);
  long long out = 0;
  auto [ptr, ec] = std::from_chars(value, end, out);
  if (ec != std::errc() || ptr != end) {
    throw Error("db: not an integer in column " + std::to_string(col) + ": " +
                std::string(value, end));
  }
  return out;
}

double Result::real(int row, int col) const {
  if (is_null(row, col)) {
    throw Error("db: NULL where a number was expected in column " + std::to_string(col));
  }
  const char* value = PQgetvalue(res_, row, col);
  const char* end = value + PQgetlength(res_, row, col);
  double out = 0;
  auto [ptr, ec] = std::from_chars(value, end, out);
  if (ec != std::errc() || ptr != end) {
    throw Error("db: not a number in column " + std::to_string(col) + ": " +
                std::string(value, end));
  }
  return out;
}

bool Result::boolean(int row, int col) const {
  if (is_null(row, col)) {
    throw Error("db: NULL where a boolean was expected in column " + std::to_string(col));
  }
  return PQgetvalue(res_, row, col)[0] == 't';
}

long long Result::affected() const {
  if (res_ == nullptr) return 0;
  const char* tuples = PQcmdTuples(res_);
  if (tuples == nullptr || *tuples == '\0') return 0;  // not an INSERT/UPDATE/DELETE/SELECT
  long long out = 0;
  std::from_chars(tuples, tuples + std::strlen(tuples), out);
  return out;
}

}  // namespace scale::db
