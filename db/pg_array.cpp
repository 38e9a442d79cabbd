#include "db/pg_array.h"

#include <cmath>

#include "db/error.h"
#include "db/store_rows.h"

namespace scale::db {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF are invalid, as PostgreSQL's UTF8 check says).
size_t utf8_sequence(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned int lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

std::string clean_text(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size();) {
    if (value[i] == '\0') {
      ++i;
      continue;
    }
    const size_t n = utf8_sequence(value, i);
    if (n == 0) {
      out.push_back('?');
      ++i;
    } else {
      out.append(value.substr(i, n));
      i += n;
    }
  }
  return out;
}

void ArrayLiteral::separator() {
  if (count_++ > 0) text_.push_back(',');
}

void ArrayLiteral::add_integer(long long value) {
  separator();
  text_ += std::to_string(value);
}

void ArrayLiteral::add_real(double value) {
  if (!std::isfinite(value)) throw Error("db: a resource amount is not a finite number");
  separator();
  text_ += real_param(value);
}

void ArrayLiteral::add_text(std::string_view value) {
  separator();
  text_.push_back('"');
  // Inside a quoted array element only '"' and '\' are special; both are backslash-escaped.
  for (char c : clean_text(value)) {
    if (c == '"' || c == '\\') text_.push_back('\\');
    text_.push_back(c);
  }
  text_.push_back('"');
}

void ArrayLiteral::add_null() {
  separator();
  text_ += "NULL";
}

void ArrayLiteral::add_bool(bool value) {
  separator();
  text_ += value ? "t" : "f";
}

}  // namespace scale::db
