#include "db/task_spec.h"

#include <rapidjson/error/en.h>

namespace scale::db {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string indexed(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// NUL cannot be stored (jsonb refuses \u0000); every string is bounded.
std::optional<std::string> text_error(const std::string& path, const std::string& text,
                                      size_t max_length, bool may_be_empty = false) {
  if (!may_be_empty && text.empty()) return path + " must not be empty";
  if (text.find('\0') != std::string::npos) return path + " must not contain NUL characters";
  if (text.size() > max_length) {
    return path + " must be at most " + std::to_string(max_length) + " bytes";
  }
  return std::nullopt;
}

std::optional<std::string> count_error(const std::string& path, size_t count, size_t max) {
  if (count <= max) return std::nullopt;
  return path + " must have at most " + std::to_string(max) + " entries";
}

bool has_space_or_control(const std::string& text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return true;
  }
  return false;
}

// POSIX shells accept exactly these names.
bool valid_env_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      return false;
  }
  return true;
}

bool valid_user_name(const std::string& user) {
  if (user.empty() || user[0] == '-') return false;
  for (char c : user) {
    if (!(c == '_' || c == '-' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9')))
      return false;
  }
  return true;
}

std::optional<std::string> parameter_error(const std::string& path, const DockerParameter& p) {
  if (auto e = text_error(path + ".key", p.key, kMaxKeyLength)) return e;
  if (auto e = text_error(path + ".value", p.value, kMaxValueLength, true)) return e;
  // The master refuses "name" (it names the container itself); "net"/"network" would silently
  // override container.network.
  if (p.key == "name") return path + ".key \"name\" is refused by Mesos";
  if (p.key == "net" || p.key == "network") {
    return path + ".key \"" + p.key + "\" is refused: use container.network";
  }
  return std::nullopt;
}

std::optional<std::string> volume_error(const std::string& path, const Volume& v) {
  if (auto e = text_error(path + ".container_path", v.container_path, kMaxPathLength)) return e;
  if (auto e = text_error(path + ".host_path", v.host_path, kMaxPathLength)) return e;
  // Docker reads a relative host path as the name of a Docker volume.
  if (v.host_path[0] != '/') return path + ".host_path must be an absolute path";
  return std::nullopt;
}

std::optional<std::string> container_error(const Container& c) {
  if (auto e = text_error("container.image", c.image, kMaxImageLength)) return e;
  if (has_space_or_control(c.image)) return "container.image must not contain spaces";
  const bool docker = c.type == ContainerType::Docker;
  if (c.network && !docker) return "container.network is only for DOCKER containers";
  if (!c.parameters.empty() && !docker)
    return "container.parameters are only for DOCKER containers";
  if (auto e = count_error("container.parameters", c.parameters.size(), kMaxSpecListLength))
    return e;
  for (size_t i = 0; i < c.parameters.size(); ++i) {
    if (auto e = parameter_error(indexed("container.parameters", i), c.parameters[i])) return e;
  }
  if (auto e = count_error("container.volumes", c.volumes.size(), kMaxSpecListLength)) return e;
  for (size_t i = 0; i < c.volumes.size(); ++i) {
    if (auto e = volume_error(indexed("container.volumes", i), c.volumes[i])) return e;
  }
  return std::nullopt;
}

std::optional<std::string> string_map_error(const std::string& path,
                                            const std::map<std::string, std::string>& map,
                                            size_t max_count, size_t max_value) {
  if (auto e = count_error(path, map.size(), max_count)) return e;
  for (const auto& [key, value] : map) {
    if (auto e = text_error(path + " key", key, kMaxKeyLength)) return e;
    if (auto e = text_error(path + " value of " + quoted_key(key), value, max_value, true))
      return e;
  }
  return std::nullopt;
}

std::optional<std::string> env_error(const std::map<std::string, std::string>& env) {
  if (auto e = count_error("env", env.size(), kMaxEnvVariables)) return e;
  for (const auto& [name, value] : env) {
    if (name.size() > kMaxEnvNameLength || !valid_env_name(name)) {
      return "env names must match [A-Za-z_][A-Za-z0-9_]* (at most " +
             std::to_string(kMaxEnvNameLength) + " bytes)";
    }
    if (auto e = text_error("env." + name, value, kMaxEnvValueLength, true)) return e;
  }
  return std::nullopt;
}

std::optional<std::string> list_error(const TaskSpec& spec) {
  if (!spec.args.empty() && !spec.container) {
    return "args need a container: without one the command runs through /bin/sh -c";
  }
  if (auto e = count_error("args", spec.args.size(), kMaxArgs)) return e;
  for (size_t i = 0; i < spec.args.size(); ++i) {
    if (auto e = text_error(indexed("args", i), spec.args[i], kMaxArgLength, true)) return e;
  }
  if (auto e = count_error("uris", spec.uris.size(), kMaxSpecListLength)) return e;
  for (size_t i = 0; i < spec.uris.size(); ++i) {
    if (auto e = text_error(indexed("uris", i) + ".value", spec.uris[i].value, kMaxPathLength))
      return e;
  }
  return std::nullopt;
}

void write_string(Writer& w, const std::string& text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_string_map(Writer& w, const std::map<std::string, std::string>& map) {
  w.StartObject();
  for (const auto& [key, value] : map) {
    write_string(w, key);
    write_string(w, value);
  }
  w.EndObject();
}

void write_container(Writer& w, const Container& c) {
  w.StartObject();
  w.Key("type");
  w.String(to_string(c.type));
  w.Key("image");
  write_string(w, c.image);
  w.Key("force_pull");
  w.Bool(c.force_pull);
  if (c.network) {
    w.Key("network");
    w.String(to_string(*c.network));
  }
  w.Key("parameters");
  w.StartArray();
  for (const auto& p : c.parameters) {
    w.StartObject();
    w.Key("key");
    write_string(w, p.key);
    w.Key("value");
    write_string(w, p.value);
    w.EndObject();
  }
  w.EndArray();
  w.Key("volumes");
  w.StartArray();
  for (const auto& v : c.volumes) {
    w.StartObject();
    w.Key("container_path");
    write_string(w, v.container_path);
    w.Key("host_path");
    write_string(w, v.host_path);
    w.Key("mode");
    w.String(to_string(v.mode));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void write_uris(Writer& w, const std::vector<FetchUri>& uris) {
  w.StartArray();
  for (const auto& uri : uris) {
    w.StartObject();
    w.Key("value");
    write_string(w, uri.value);
    w.Key("executable");
    w.Bool(uri.executable);
    w.Key("extract");
    w.Bool(uri.extract);
    w.Key("cache");
    w.Bool(uri.cache);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string quoted_key(std::string_view key) {
  constexpr size_t kMaxEchoed = 64;
  std::string out = "\"";
  for (char c : key.substr(0, kMaxEchoed)) {
    const auto byte = static_cast<unsigned char>(c);
    out += (byte >= 0x20 && byte < 0x7f && c != '"') ? c : '?';
  }
  if (key.size() > kMaxEchoed) out += "...";
  return out + "\"";
}

const char* to_string(ContainerType type) {
  return type == ContainerType::Docker ? "DOCKER" : "MESOS";
}

const char* to_string(DockerNetwork network) {
  switch (network) {
    case DockerNetwork::Host:
      return "HOST";
    case DockerNetwork::Bridge:
      return "BRIDGE";
    case DockerNetwork::None:
      return "NONE";
  }
  return "HOST";
}

const char* to_string(VolumeMode mode) {
  return mode == VolumeMode::RW ? "RW" : "RO";
}

std::optional<std::string> task_spec_validation_error(const TaskSpec& spec) {
  if (spec.container) {
    if (auto e = container_error(*spec.container)) return e;
  }
  if (auto e = list_error(spec)) return e;
  if (auto e = env_error(spec.env)) return e;
  if (spec.user) {
    if (auto e = text_error("user", *spec.user, kMaxKeyLength)) return e;
    if (!valid_user_name(*spec.user)) return "user must be a user name ([A-Za-z0-9_.-], not -...)";
  }
  return string_map_error("labels", spec.labels, kMaxSpecListLength, kMaxValueLength);
}

void write_task_spec_members(Writer& w, const TaskSpec& spec, TaskSpecStyle style) {
  const bool all = style == TaskSpecStyle::EveryField;
  if (spec.container || all) {
    w.Key("container");
    spec.container ? write_container(w, *spec.container) : static_cast<void>(w.Null());
  }
  if (!spec.args.empty() || all) {
    w.Key("args");
    w.StartArray();
    for (const auto& arg : spec.args) write_string(w, arg);
    w.EndArray();
  }
  if (!spec.env.empty() || all) {
    w.Key("env");
    write_string_map(w, spec.env);
  }
  if (!spec.uris.empty() || all) {
    w.Key("uris");
    write_uris(w, spec.uris);
  }
  if (spec.user || all) {
    w.Key("user");
    spec.user ? write_string(w, *spec.user) : static_cast<void>(w.Null());
  }
  if (!spec.labels.empty() || all) {
    w.Key("labels");
    write_string_map(w, spec.labels);
  }
}

std::string task_spec_json(const TaskSpec& spec) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  write_task_spec_members(w, spec, TaskSpecStyle::Canonical);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<TaskSpec> parse_task_spec(std::string_view json, std::string& error) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    error = std::string("malformed task spec: ") + rapidjson::GetParseError_En(doc.GetParseError());
    return std::nullopt;
  }
  if (!doc.IsObject()) {
    error = "task spec must be an object";
    return std::nullopt;
  }
  TaskSpec spec;
  for (const auto& member : doc.GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (!read_task_spec_field(key, member.value, spec, error)) return std::nullopt;
  }
  return spec;
}

}  // namespace scale::db
