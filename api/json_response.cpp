#include "api/json_response.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <strings.h>

namespace scale::api {

std::string Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return "";
}

Response json_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response error_response(int status, std::string_view detail) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("detail");
  writer.String(detail.data(), static_cast<rapidjson::SizeType>(detail.size()));
  writer.EndObject();
  return json_response(status, std::string(buffer.GetString(), buffer.GetSize()));
}

std::string sanitize(std::string_view text, std::size_t max_len) {
  std::string out;
  out.reserve(std::min(text.size(), max_len + 3));
  for (char c : text) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += (byte >= 0x20 && byte < 0x7f) ? c : '?';
  }
  return out;
}

}  // namespace scale::api
