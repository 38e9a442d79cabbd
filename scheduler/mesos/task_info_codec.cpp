#include "scheduler/mesos/task_info_codec.h"

#include <cmath>

#include "scheduler/mesos/json_writer.h"

namespace scale::mesos {
namespace {

void write_scalar_resource(Writer& w, const ScalarResource& r) {
  w.StartObject();
  w.Key("name");
  w.String(r.name);
  w.Key("type");
  w.String("SCALAR");
  w.Key("scalar");
  w.StartObject();
  w.Key("value");
  w.Double(r.value);
  w.EndObject();
  if (!r.allocation_role.empty()) {
    w.Key("allocation_info");
    w.StartObject();
    w.Key("role");
    w.String(r.allocation_role);
    w.EndObject();
  }
  w.EndObject();
}

void write_key_values(Writer& w, const char* key, const std::vector<KeyValue>& pairs) {
  w.Key(key);
  w.StartArray();
  for (const auto& pair : pairs) {
    w.StartObject();
    w.Key("key");
    w.String(pair.key);
    w.Key("value");
    w.String(pair.value);
    w.EndObject();
  }
  w.EndArray();
}

void write_environment(Writer& w, const std::vector<EnvironmentVariable>& variables) {
  w.Key("environment");
  w.StartObject();
  w.Key("variables");
  w.StartArray();
  for (const auto& var : variables) {
    w.StartObject();
    w.Key("name");
    w.String(var.name);
    w.Key("value");
    w.String(var.value);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void write_uris(Writer& w, const std::vector<FetchUri>& uris) {
  w.Key("uris");
  w.StartArray();
  for (const auto& uri : uris) {
    w.StartObject();
    w.Key("value");
    w.String(uri.value);
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

// CommandInfo. `shell` is always written: its default is true, and a container task that runs
// its image's entrypoint needs false (spec B.1).
void write_command(Writer& w, const TaskLaunch& task) {
  w.Key("command");
  w.StartObject();
  w.Key("shell");
  w.Bool(task.shell);
  if (task.shell || !task.command.empty()) {
    w.Key("value");
    w.String(task.command);
  }
  if (!task.shell && !task.arguments.empty()) write_strings(w, "arguments", task.arguments);
  if (!task.environment.empty()) write_environment(w, task.environment);
  if (!task.uris.empty()) write_uris(w, task.uris);
  if (!task.user.empty()) {
    w.Key("user");
    w.String(task.user);
  }
  w.EndObject();
}

const char* network_name(Container::Network network) {
  switch (network) {
    case Container::Network::Host:
      return "HOST";
    case Container::Network::Bridge:
      return "BRIDGE";
    case Container::Network::None:
      return "NONE";
  }
  return "HOST";
}

void write_docker_info(Writer& w, const Container& c) {
  w.Key("docker");
  w.StartObject();
  w.Key("image");
  w.String(c.image);
  if (c.network) {
    w.Key("network");
    w.String(network_name(*c.network));
  }
  w.Key("force_pull_image");
  w.Bool(c.force_pull);
  if (!c.parameters.empty()) write_key_values(w, "parameters", c.parameters);
  w.EndObject();
}

// MesosInfo.image: a Docker image the Mesos containerizer provisions itself.
void write_mesos_info(Writer& w, const Container& c) {
  w.Key("mesos");
  w.StartObject();
  w.Key("image");
  w.StartObject();
  w.Key("type");
  w.String("DOCKER");
  w.Key("docker");
  w.StartObject();
  w.Key("name");
  w.String(c.image);
  w.EndObject();
  if (c.force_pull) {
    w.Key("cached");
    w.Bool(false);
  }
  w.EndObject();
  w.EndObject();
}

void write_container(Writer& w, const Container& c) {
  const bool docker = c.type == Container::Type::Docker;
  w.Key("container");
  w.StartObject();
  w.Key("type");
  w.String(docker ? "DOCKER" : "MESOS");
  docker ? write_docker_info(w, c) : write_mesos_info(w, c);
  if (!c.volumes.empty()) {
    w.Key("volumes");
    w.StartArray();
    for (const auto& v : c.volumes) {
      w.StartObject();
      w.Key("container_path");
      w.String(v.container_path);
      w.Key("host_path");
      w.String(v.host_path);
      w.Key("mode");
      w.String(v.mode == Volume::Mode::RW ? "RW" : "RO");
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void write_kill_policy(Writer& w, double grace_seconds) {
  w.Key("kill_policy");
  w.StartObject();
  w.Key("grace_period");
  w.StartObject();
  w.Key("nanoseconds");
  w.Int64(std::llround(grace_seconds * 1e9));
  w.EndObject();
  w.EndObject();
}

}  // namespace

void write_task_info(Writer& w, const TaskLaunch& task) {
  w.StartObject();
  w.Key("name");
  w.String(task.name);
  write_id(w, "task_id", task.task_id);
  write_id(w, "agent_id", task.agent_id);
  w.Key("resources");
  w.StartArray();
  for (const auto& r : task.resources) write_scalar_resource(w, r);
  w.EndArray();
  write_command(w, task);
  if (task.container) write_container(w, *task.container);
  if (!task.labels.empty()) {
    w.Key("labels");
    w.StartObject();
    write_key_values(w, "labels", task.labels);
    w.EndObject();
  }
  if (task.kill_grace_seconds) write_kill_policy(w, *task.kill_grace_seconds);
  w.EndObject();
}

}  // namespace scale::mesos
