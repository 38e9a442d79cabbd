#include "api/version_handler.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/json_response.h"

namespace scale::api {

Response version_response(const std::string& version) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("version");
  writer.String(version);
  writer.EndObject();
  return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
}

Response ping_response() {
  return json_response(200, R"({"ok":true})");
}

}  // namespace scale::api
