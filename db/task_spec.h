#pragma once

// What a job runs beyond its command and resources: the container image, its arguments,
// environment, fetcher URIs, user and labels. A plain value. The API reads it from a submission
// with read_task_spec_field, the store keeps it as the canonical JSON of task_spec_json (column
// job.task_spec), and the leader copies it into the job's TaskInfo.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scale::db {

enum class ContainerType { Docker, Mesos };  // which Mesos containerizer runs the image
enum class DockerNetwork { Host, Bridge, None };
enum class VolumeMode { RW, RO };

struct DockerParameter {  // `docker run --key=value`
  std::string key;
  std::string value;
  bool operator==(const DockerParameter&) const = default;
};

struct Volume {
  std::string container_path;
  std::string host_path;
  VolumeMode mode = VolumeMode::RW;
  bool operator==(const Volume&) const = default;
};

struct Container {
  ContainerType type = ContainerType::Docker;
  std::string image;
  bool force_pull = false;                  // pull even when the agent has the image
  std::optional<DockerNetwork> network;     // DOCKER only; nullopt: Mesos' default (HOST)
  std::vector<DockerParameter> parameters;  // DOCKER only
  std::vector<Volume> volumes;
  bool operator==(const Container&) const = default;
};

struct FetchUri {  // Mesos fetcher: copied into the sandbox before the task starts
  std::string value;
  bool executable = false;
  bool extract = true;
  bool cache = false;
  bool operator==(const FetchUri&) const = default;
};

struct TaskSpec {
  std::optional<Container> container;
  std::vector<std::string> args;  // with a container and no command: replaces the image's CMD
  std::map<std::string, std::string> env;
  std::vector<FetchUri> uris;
  std::optional<std::string> user;  // nullopt: the framework's user
  std::map<std::string, std::string> labels;
  bool operator==(const TaskSpec&) const = default;
};

// Bounds: a spec travels in every ACCEPT and the master keeps it in memory for the task's life.
inline constexpr size_t kMaxImageLength = 1024;
inline constexpr size_t kMaxPathLength = 4096;
inline constexpr size_t kMaxSpecListLength = 64;  // parameters, volumes, uris, labels
inline constexpr size_t kMaxArgs = 256;
inline constexpr size_t kMaxArgLength = 16384;
inline constexpr size_t kMaxEnvVariables = 256;
inline constexpr size_t kMaxEnvNameLength = 255;
inline constexpr size_t kMaxEnvValueLength = 32768;
inline constexpr size_t kMaxKeyLength = 255;     // label and parameter keys, user
inline constexpr size_t kMaxValueLength = 4096;  // label and parameter values

const char* to_string(ContainerType type);
const char* to_string(DockerNetwork network);
const char* to_string(VolumeMode mode);

// A client's key as an error detail may echo it: quoted, printable ASCII, at most 64 bytes.
std::string quoted_key(std::string_view key);

// True for the submission keys a TaskSpec holds: container, args, env, uris, user, labels.
bool is_task_spec_field(std::string_view key);
// Reads one of those keys into `spec`: false with `error` naming the field path on a wrong type,
// an unknown, repeated or missing key inside it, a bad enum name. null for container or user is
// "not set". Values are checked by
// task_spec_validation_error.
bool read_task_spec_field(std::string_view key, const rapidjson::Value& value, TaskSpec& spec,
                          std::string& error);

// Why `spec` cannot be stored (empty image, network or parameters without DOCKER, a parameter
// named "name", bad environment names, NUL characters, lengths and counts over the bounds above),
// naming the field path; nullopt when valid.
std::optional<std::string> task_spec_validation_error(const TaskSpec& spec);

enum class TaskSpecStyle {
  Canonical,   // empty parts left out: the empty spec is {}
  EveryField,  // every key, an unset container or user as null (what GET shows)
};
// The spec's keys and values into an object the caller opened.
void write_task_spec_members(rapidjson::Writer<rapidjson::StringBuffer>& writer,
                             const TaskSpec& spec, TaskSpecStyle style);

// The canonical JSON: an object with the keys read_task_spec_field reads, empty parts left out
// (the empty spec is "{}"). Strings are written as they are; validate first.
std::string task_spec_json(const TaskSpec& spec);
// Parses task_spec_json's output (or any object of those keys); nullopt with `error` otherwise.
std::optional<TaskSpec> parse_task_spec(std::string_view json, std::string& error);

}  // namespace scale::db
