#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace scale::scheduler {

struct ReplicaSeen {
  std::string replica_id;
  std::string api_url;
  std::string hostname;
  long long pid = 0;
  bool leader = false;
};

struct StatusWarning {
  std::string name;
  std::string title;
  std::string description;
  std::string started;       // ISO-8601 UTC
  std::string last_updated;  // ISO-8601 UTC
};

// What the leader knows when it writes a status document.
struct StatusInputs {
  std::chrono::system_clock::time_point now;
  std::string hostname;
  bool paused = false;
  std::string framework_id;
  std::string master;
  std::vector<StatusWarning> warnings;
  // The `cluster` section Scale never had.
  std::string leader_replica_id;
  std::string leader_api_url;
  long long epoch = 0;
  std::chrono::system_clock::time_point term_started;
  std::vector<ReplicaSeen> replicas;
};

// Renders Scale's /v6/status/ document (DESIGN.md section 6). Metrics, resources and nodes stay at
// zero / empty until the leader talks to Mesos.
std::string render_status_document(const StatusInputs& inputs);

// 2026-11-25T00:43:41.123Z
std::string iso8601_utc(std::chrono::system_clock::time_point when);

}  // namespace scale::scheduler
