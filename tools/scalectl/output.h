#pragma once

#include <rapidjson/document.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

// Human-readable output of scalectl: aligned tables and readable JSON values.
namespace scale::scalectl {

// Columns padded to their widest cell, two spaces apart, header first.
class Table {
 public:
  explicit Table(std::vector<std::string> header);
  void add(std::vector<std::string> row);
  void print(std::ostream& out) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
};

// The text of member `key` of object `obj`: strings as they are, numbers without trailing zeros,
// booleans as yes/no, null or missing as "-", objects and arrays as compact JSON.
std::string field(const rapidjson::Value& obj, std::string_view key);
std::string text_of(const rapidjson::Value& value);

// Parses a server answer; throws CliError(kExitHttpError) when it is not JSON.
rapidjson::Document parse_answer(const std::string& body);

}  // namespace scale::scalectl
