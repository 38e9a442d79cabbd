// Decodes a TaskInfo's command, container, labels and kill policy as the master's JSON converter
// does (spec B.2 "whole-call failures"): a missing required field anywhere is collected with its
// path, an unknown name in a required enum fails the conversion, one in an optional enum is
// dropped. Within each message its own required fields are listed first, then its sub-messages in
// field-number order, as protobuf's InitializationErrorString lists them.

#include "task_spec.h"

namespace mesos_sim {
namespace {

using rapidjson::Value;

// mesos.proto Image: type (required), then docker.name (required).
void read_image(JsonReader& r, const Value& image, std::string* name) {
  r.enumeration(image, "type", {"APPC", "DOCKER"}, true);
  if (const Value* appc = r.object(image, "appc")) {
    JsonReader::Scope scope(r, "appc");
    r.string(*appc, "name", true);
  }
  if (const Value* docker = r.object(image, "docker")) {
    JsonReader::Scope scope(r, "docker");
    *name = r.string(*docker, "name", true).value_or("");
  }
}

void read_volume_source(JsonReader& r, const Value& source, VolumeSpec* volume) {
  volume->has_source = true;
  auto type = r.enumeration(
      source, "type",
      {"UNKNOWN", "DOCKER_VOLUME", "HOST_PATH", "SANDBOX_PATH", "SECRET", "CSI_VOLUME"});
  volume->source_type = type.value_or("");
  const char* detail = type == "DOCKER_VOLUME"  ? "docker_volume"
                       : type == "HOST_PATH"    ? "host_path"
                       : type == "SANDBOX_PATH" ? "sandbox_path"
                       : type == "SECRET"       ? "secret"
                       : type == "CSI_VOLUME"   ? "csi_volume"
                                                : nullptr;
  volume->source_detail = detail && r.object(source, detail);
}

void read_volume(JsonReader& r, const Value& v, TaskSpec* spec) {
  VolumeSpec volume;
  r.string(v, "container_path", true);
  r.enumeration(v, "mode", {"RW", "RO"}, true);
  volume.roots += r.string(v, "host_path").has_value();
  if (const Value* image = r.object(v, "image")) {
    ++volume.roots;
    JsonReader::Scope scope(r, "image");
    std::string ignored;
    read_image(r, *image, &ignored);
  }
  if (const Value* source = r.object(v, "source")) {
    ++volume.roots;
    read_volume_source(r, *source, &volume);
  }
  spec->volumes.push_back(volume);
}

void read_docker(JsonReader& r, const Value& docker, TaskSpec* spec) {
  spec->has_docker = true;
  spec->image = r.string(docker, "image", true).value_or("");
  r.enumeration(docker, "network", {"HOST", "BRIDGE", "NONE", "USER"});
  r.each_object(docker, "port_mappings", [&](const Value& mapping) {
    r.number(mapping, "host_port", true);
    r.number(mapping, "container_port", true);
  });
  r.each_object(docker, "parameters", [&](const Value& parameter) {
    spec->docker_parameter_keys.push_back(r.string(parameter, "key", true).value_or(""));
    r.string(parameter, "value", true);
  });
}

void read_container(JsonReader& r, const Value& container, TaskSpec* spec) {
  spec->has_container = true;
  spec->container_type = r.enumeration(container, "type", {"DOCKER", "MESOS"}, true).value_or("");
  r.each_object(container, "volumes", [&](const Value& v) { read_volume(r, v, spec); });
  if (const Value* docker = r.object(container, "docker")) {
    JsonReader::Scope scope(r, "docker");
    read_docker(r, *docker, spec);
  }
  if (const Value* mesos = r.object(container, "mesos")) {
    JsonReader::Scope scope(r, "mesos");
    if (const Value* image = r.object(*mesos, "image")) {
      JsonReader::Scope inner(r, "image");
      std::string name;
      read_image(r, *image, &name);
      if (spec->image.empty()) spec->image = name;
    }
  }
}

void read_command(JsonReader& r, const Value& command, TaskSpec* spec) {
  r.each_object(command, "uris", [&](const Value& uri) { r.string(uri, "value", true); });
  if (const Value* environment = r.object(command, "environment")) {
    JsonReader::Scope scope(r, "environment");
    r.each_object(*environment, "variables", [&](const Value& v) {
      VariableSpec variable;
      variable.name = r.string(v, "name", true).value_or("");
      variable.type = r.enumeration(v, "type", {"UNKNOWN", "VALUE", "SECRET"}).value_or("VALUE");
      variable.has_value = r.member(v, "value") != nullptr;
      variable.has_secret = r.member(v, "secret") != nullptr;
      spec->environment.push_back(variable);
    });
  }
  spec->command_line = r.string(command, "value").value_or("");
  for (const auto& argument : r.strings(command, "arguments")) {
    spec->command_line += (spec->command_line.empty() ? "" : " ") + argument;
  }
}

}  // namespace

std::optional<double> read_kill_policy(JsonReader& r, const Value& parent) {
  const Value* policy = r.object(parent, "kill_policy");
  if (!policy) return std::nullopt;
  JsonReader::Scope scope(r, "kill_policy");
  const Value* grace = r.object(*policy, "grace_period");
  if (!grace) return std::nullopt;
  JsonReader::Scope inner(r, "grace_period");
  return r.number(*grace, "nanoseconds", true);
}

void read_task_spec(JsonReader& r, const Value& info, TaskSpec* spec) {
  // TaskInfo field numbers: command 7, container 9, labels 10, kill_policy 12.
  if (const Value* command = r.object(info, "command")) {
    JsonReader::Scope scope(r, "command");
    read_command(r, *command, spec);
  }
  if (const Value* container = r.object(info, "container")) {
    JsonReader::Scope scope(r, "container");
    read_container(r, *container, spec);
  }
  if (const Value* labels = r.object(info, "labels")) {
    JsonReader::Scope scope(r, "labels");
    r.each_object(*labels, "labels", [&](const Value& label) {
      spec->label_keys.push_back(r.string(label, "key", true).value_or(""));
    });
  }
  spec->grace_ns = read_kill_policy(r, info);
}

}  // namespace mesos_sim
