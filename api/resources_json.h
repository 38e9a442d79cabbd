#pragma once

#include "api/pagination.h"
#include "db/resources.h"

namespace scale::api {

// {"cpus", "mem", "disk", "gpus"}: the shape of every resource block of the API.
inline void write_resources(JsonWriter& writer, const db::Resources& resources) {
  writer.StartObject();
  writer.Key("cpus");
  writer.Double(resources.cpus);
  writer.Key("mem");
  writer.Double(resources.mem);
  writer.Key("disk");
  writer.Double(resources.disk);
  writer.Key("gpus");
  writer.Double(resources.gpus);
  writer.EndObject();
}

}  // namespace scale::api
