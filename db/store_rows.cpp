#include "db/store_rows.h"

#include <charconv>

namespace scale::db {

std::string iso_utc(std::string_view column) {
  return "to_char(" + std::string(column) +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

double real_at(const Result& r, int row, int col) {
  const std::string text = r.text(row, col);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw Error("db: bad double precision value from server: " + text);
  }
  return value;
}

Resources resources_at(const Result& r, int row, int col) {
  return Resources{real_at(r, row, col), real_at(r, row, col + 1), real_at(r, row, col + 2),
                   real_at(r, row, col + 3)};
}

std::optional<long long> optional_integer_at(const Result& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return r.integer(row, col);
}

std::optional<double> optional_real_at(const Result& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return real_at(r, row, col);
}

JobStatus job_status_at(const Result& r, int row, int col) {
  const std::string text = r.text(row, col);
  const auto status = job_status_from(text);
  if (!status) throw Error("db: unknown job status from server: " + text);
  return *status;
}

Param optional_real_param(const std::optional<double>& value) {
  if (!value) return std::nullopt;
  return real_param(*value);
}

std::string real_param(double value) {
  char text[64];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  if (ec != std::errc()) throw Error("db: cannot format a number");
  return std::string(text, end);
}

void in_snapshot(Connection& conn, const std::function<void(Connection&)>& fn) {
  if (conn.in_transaction()) return fn(conn);
  conn.transaction([&](Connection& c) {
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    fn(c);
  });
}

}  // namespace scale::db
