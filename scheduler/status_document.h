#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scale::scheduler {

struct ReplicaSeen {
  std::string replica_id;
  std::string api_url;
  std::string hostname;
  long long pid = 0;
  bool leader = false;
  std::string version;
  std::string started;  // ISO-8601 UTC
  // Seconds since the replica last refreshed its election node; unknown when nobody measured it.
  std::optional<double> heartbeat_age_s;
};

// One term of the history the cluster section shows (newest first).
struct TermSeen {
  long long epoch = 0;
  std::string replica_id;
  std::string started;  // ISO-8601 UTC
  std::string ended;    // "" while it lasts
  std::string end_reason;
  std::vector<std::pair<std::string, long long>> steps;  // name, ms since the term was won
};

struct StatusWarning {
  std::string name;
  std::string title;
  std::string description;
  std::string started;       // ISO-8601 UTC
  std::string last_updated;  // ISO-8601 UTC
};

// One resource's line of the `resources` section.
struct ResourceLine {
  double running = 0;
  double offered = 0;
  double free = 0;
  double unavailable = 0;
  double total = 0;
};

// cpus, mem, disk, gpus in that order.
using ResourceLines = std::array<ResourceLine, 4>;

struct NodeStatus {
  long long id = 0;
  std::string hostname;
  std::string agent_id;
  bool is_active = true;
  bool is_paused = false;
  std::string pause_reason;
  long long num_offers = 0;
  long long running_tasks = 0;
  long long completed_tasks = 0;  // finished within the recent window (Scale: 3 hours)
  long long failed_tasks = 0;
  ResourceLines resources;
};

// What the leader knows when it writes a status document.
struct StatusInputs {
  std::chrono::system_clock::time_point now;
  std::string hostname;
  bool paused = false;
  std::string framework_id;
  std::string master;
  std::vector<StatusWarning> warnings;
  // Per-second rates in the order of the metric names (new_offers ... offers_launched).
  std::array<double, 7> metrics{};
  long long num_offers = 0;
  ResourceLines resources;
  std::vector<NodeStatus> nodes;
  // The `cluster` section Scale never had.
  std::string leader_replica_id;
  std::string leader_api_url;
  long long epoch = 0;
  std::chrono::system_clock::time_point term_started;
  std::vector<ReplicaSeen> replicas;
  std::vector<TermSeen> terms;
};

// Renders Scale's /v6/status/ document (DESIGN.md section 6).
std::string render_status_document(const StatusInputs& inputs);

// 2026-11-25T00:43:41.123Z
std::string iso8601_utc(std::chrono::system_clock::time_point when);

}  // namespace scale::scheduler
