#include "tools/scalectl/output.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>

#include "tools/scalectl/cli_error.h"

namespace scale::scalectl {

Table::Table(std::vector<std::string> header) {
  rows_.push_back(std::move(header));
}

void Table::add(std::vector<std::string> row) {
  row.resize(rows_.front().size());
  rows_.push_back(std::move(row));
}

void Table::print(std::ostream& out) const {
  std::vector<size_t> widths(rows_.front().size(), 0);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  }
}

std::string text_of(const rapidjson::Value& value) {
  if (value.IsNull()) return "-";
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsBool()) return value.GetBool() ? "yes" : "no";
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsNumber()) {
    char text[64];
    std::snprintf(text, sizeof text, "%.10g", value.GetDouble());
    return text;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string field(const rapidjson::Value& obj, std::string_view key) {
  if (!obj.IsObject()) return "-";
  const auto it = obj.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
  if (it == obj.MemberEnd()) return "-";
  return text_of(it->value);
}

rapidjson::Document parse_answer(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (doc.HasParseError()) {
    throw CliError(kExitHttpError, "the server's answer is not JSON: " + body.substr(0, 200));
  }
  return doc;
}

}  // namespace scale::scalectl
