// read_task_spec_field: the structure of a TaskSpec's JSON (types, required and unknown keys,
// enum names), each error naming the field path. Values are checked by
// task_spec_validation_error, which the API and the store both run.
#include <set>

#include "db/task_spec.h"

namespace scale::db {
namespace {

using rapidjson::Value;

std::string_view key_of(const Value::Member& member) {
  return {member.name.GetString(), member.name.GetStringLength()};
}

std::string indexed(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

bool fail(std::string& error, std::string message) {
  error = std::move(message);
  return false;
}

bool read_string(const Value& v, const std::string& path, std::string& out, std::string& error) {
  if (!v.IsString()) return fail(error, path + " must be a string");
  out.assign(v.GetString(), v.GetStringLength());
  return true;
}

bool read_bool(const Value& v, const std::string& path, bool& out, std::string& error) {
  if (!v.IsBool()) return fail(error, path + " must be true or false");
  out = v.GetBool();
  return true;
}

// An object whose keys are all in `allowed`, none repeated, every one of `required` present.
bool check_object(const Value& v, const std::string& path,
                  const std::set<std::string_view>& allowed,
                  const std::set<std::string_view>& required, const char* allowed_text,
                  std::string& error) {
  if (!v.IsObject()) return fail(error, path + " must be an object");
  std::set<std::string_view> seen;
  for (const auto& member : v.GetObject()) {
    const auto key = key_of(member);
    if (!allowed.count(key)) {
      return fail(error,
                  path + ": unknown field " + quoted_key(key) + " (allowed: " + allowed_text + ")");
    }
    if (!seen.insert(key).second) {
      return fail(error, path + ": field " + quoted_key(key) + " appears more than once");
    }
  }
  for (const auto& key : required) {
    if (!seen.count(key)) return fail(error, path + "." + std::string(key) + " is required");
  }
  return true;
}

// {"name": "value", ...}: string values, no repeated name (a map keeps one of them).
bool read_string_map(const Value& v, const std::string& path,
                     std::map<std::string, std::string>& out, std::string& error) {
  if (!v.IsObject()) return fail(error, path + " must be an object of strings");
  for (const auto& member : v.GetObject()) {
    const std::string key(key_of(member));
    if (!member.value.IsString()) {
      return fail(error, path + " value of " + quoted_key(key) + " must be a string");
    }
    if (!out.emplace(key, std::string(member.value.GetString(), member.value.GetStringLength()))
             .second) {
      return fail(error, path + ": key " + quoted_key(key) + " appears more than once");
    }
  }
  return true;
}

template <typename Enum, size_t N>
bool read_enum(const Value& v, const std::string& path, const Enum (&names)[N], Enum& out,
               const char* choices, std::string& error) {
  if (v.IsString()) {
    const std::string_view text(v.GetString(), v.GetStringLength());
    for (Enum candidate : names) {
      if (text == to_string(candidate)) {
        out = candidate;
        return true;
      }
    }
  }
  return fail(error, path + " must be " + choices);
}

template <typename Item, typename ReadItem>
bool read_list(const Value& v, const std::string& path, std::vector<Item>& out, ReadItem read_item,
               std::string& error) {
  if (!v.IsArray()) return fail(error, path + " must be a list");
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    Item item;
    if (!read_item(v[i], indexed(path, i), item, error)) return false;
    out.push_back(std::move(item));
  }
  return true;
}

bool read_parameter(const Value& v, const std::string& path, DockerParameter& out,
                    std::string& error) {
  if (!check_object(v, path, {"key", "value"}, {"key", "value"}, "key, value", error)) return false;
  return read_string(v["key"], path + ".key", out.key, error) &&
         read_string(v["value"], path + ".value", out.value, error);
}

bool read_volume(const Value& v, const std::string& path, Volume& out, std::string& error) {
  const std::set<std::string_view> keys = {"container_path", "host_path", "mode"};
  if (!check_object(v, path, keys, keys, "container_path, host_path, mode", error)) return false;
  constexpr VolumeMode kModes[] = {VolumeMode::RW, VolumeMode::RO};
  return read_string(v["container_path"], path + ".container_path", out.container_path, error) &&
         read_string(v["host_path"], path + ".host_path", out.host_path, error) &&
         read_enum(v["mode"], path + ".mode", kModes, out.mode, "RW or RO", error);
}

bool read_container(const Value& v, Container& out, std::string& error) {
  const std::string path = "container";
  if (!check_object(v, path, {"type", "image", "force_pull", "network", "parameters", "volumes"},
                    {"type", "image"}, "type, image, force_pull, network, parameters, volumes",
                    error)) {
    return false;
  }
  constexpr ContainerType kTypes[] = {ContainerType::Docker, ContainerType::Mesos};
  constexpr DockerNetwork kNetworks[] = {DockerNetwork::Host, DockerNetwork::Bridge,
                                         DockerNetwork::None};
  for (const auto& member : v.GetObject()) {
    const auto key = key_of(member);
    const std::string field = path + "." + std::string(key);
    const Value& value = member.value;
    bool ok = true;
    if (key == "type") ok = read_enum(value, field, kTypes, out.type, "DOCKER or MESOS", error);
    if (key == "image") ok = read_string(value, field, out.image, error);
    if (key == "force_pull") ok = read_bool(value, field, out.force_pull, error);
    if (key == "network") {
      out.network = DockerNetwork::Host;
      ok = read_enum(value, field, kNetworks, *out.network, "HOST, BRIDGE or NONE", error);
    }
    if (key == "parameters") ok = read_list(value, field, out.parameters, read_parameter, error);
    if (key == "volumes") ok = read_list(value, field, out.volumes, read_volume, error);
    if (!ok) return false;
  }
  return true;
}

bool read_uri(const Value& v, const std::string& path, FetchUri& out, std::string& error) {
  if (!check_object(v, path, {"value", "executable", "extract", "cache"}, {"value"},
                    "value, executable, extract, cache", error)) {
    return false;
  }
  for (const auto& member : v.GetObject()) {
    const auto key = key_of(member);
    const std::string field = path + "." + std::string(key);
    const bool ok = key == "value"        ? read_string(member.value, field, out.value, error)
                    : key == "executable" ? read_bool(member.value, field, out.executable, error)
                    : key == "extract"    ? read_bool(member.value, field, out.extract, error)
                                          : read_bool(member.value, field, out.cache, error);
    if (!ok) return false;
  }
  return true;
}

bool read_arg(const Value& v, const std::string& path, std::string& out, std::string& error) {
  return read_string(v, path, out, error);
}

}  // namespace

bool is_task_spec_field(std::string_view key) {
  return key == "container" || key == "args" || key == "env" || key == "uris" || key == "user" ||
         key == "labels";
}

bool read_task_spec_field(std::string_view key, const rapidjson::Value& value, TaskSpec& spec,
                          std::string& error) {
  const std::string path(key);
  // null is "not set", as GET shows an unset container or user: a job read back resubmits.
  if ((key == "container" || key == "user") && value.IsNull()) {
    key == "container" ? spec.container.reset() : spec.user.reset();
    return true;
  }
  if (key == "container") return read_container(value, spec.container.emplace(), error);
  if (key == "args") return read_list(value, path, spec.args, read_arg, error);
  if (key == "env") return read_string_map(value, path, spec.env, error);
  if (key == "uris") return read_list(value, path, spec.uris, read_uri, error);
  if (key == "labels") return read_string_map(value, path, spec.labels, error);
  if (key == "user") return read_string(value, path, spec.user.emplace(), error);
  return fail(error, "unknown field " + quoted_key(key));
}

}  // namespace scale::db
