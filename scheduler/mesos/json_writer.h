#pragma once

// JSON writing shared by the call encoders (call_codec.cpp, task_info_codec.cpp).

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

namespace scale::mesos {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// {"<key>": {"value": "<value>"}}: every *ID message.
inline void write_id(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.StartObject();
  w.Key("value");
  w.String(value);
  w.EndObject();
}

inline void write_strings(Writer& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& v : values) w.String(v);
  w.EndArray();
}

}  // namespace scale::mesos
