#pragma once

#include <string>
#include <string_view>

// PostgreSQL array literals ("{1,2}", "{\"a\",NULL}") passed as ONE text parameter, so a batch of
// rows is a handful of parameters ($1::bigint[], ...) unnested by the server: one round trip per
// batch, still fully parameterized (the literal is data, never spliced into SQL text).
namespace scale::db {

class ArrayLiteral {
 public:
  void add_integer(long long value);
  // Throws Error for NaN or infinity: the tables' CHECKs would let NaN through (NaN >= 0 holds).
  void add_real(double value);
  // Quoted and escaped. NUL bytes (which PostgreSQL text cannot hold) are dropped and invalid
  // UTF-8 is replaced by '?': one odd byte in a Mesos message must not fail a whole batch.
  void add_text(std::string_view value);
  void add_null();
  void add_bool(bool value);

  std::string str() const { return text_ + "}"; }
  size_t size() const { return count_; }

 private:
  void separator();

  std::string text_ = "{";
  size_t count_ = 0;
};

// `value` with NUL bytes dropped and every byte that is not part of valid UTF-8 replaced by '?'.
std::string clean_text(std::string_view value);

}  // namespace scale::db
