#pragma once

// The emulator's configuration and the parsers of its flag values. Parsers are pure functions so
// bad flag values are reported as one clear line (and unit-tested) instead of failing later.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mesos_sim {

// Scalar quantities of one agent or one offer/task. cpus are cores, mem and disk MB.
struct Resources {
  double cpus = 0, mem = 0, disk = 0, gpus = 0;

  bool empty() const { return cpus <= 0 && mem <= 0 && disk <= 0 && gpus <= 0; }
  bool contains(const Resources& r) const;  // every quantity of r fits in this (with epsilon)
  Resources& operator+=(const Resources& r);
  Resources& operator-=(const Resources& r);
};

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

struct ZkUrl {
  std::string hosts;  // "h1:p1,h2:p2" as the C client wants it
  std::string path;   // "/mesos"
};

struct Config {
  HostPort listen{"127.0.0.1", 5050};
  std::string hostname;  // advertised in MasterInfo and 307 Locations; default listen.host
  std::optional<ZkUrl> zk;
  int agents = 10;
  Resources agent_resources{8, 32768, 100000, 0};
  int task_ms_min = 500, task_ms_max = 500;
  double fail_ratio = 0;
  uint64_t seed = 1;
  double heartbeat_interval_s = 15;
  int offer_interval_ms = 100;
  bool strict = false;
  std::string journal_path;
  double failover_timeout_cap_s = 7 * 24 * 3600.0;
  double update_retry_s = 10;  // first redelivery of an unacked update (Mesos: 10 s .. 10 min)
  bool task_starting = true;   // TASK_STARTING before TASK_RUNNING, as the command executor
  // --bad_images: tasks whose container image is listed fail on the agent (B.2).
  std::vector<std::string> bad_images;
  int gpu_agents = -1;               // --gpu_agents: only the first N agents keep their gpus
  bool filter_gpu_resources = true;  // hide GPU agents from frameworks without GPU_RESOURCES
  // --credentials: HTTP framework authentication (principal, secret); empty: none.
  std::vector<std::pair<std::string, std::string>> credentials;
};

// Each returns std::nullopt and fills *error (one line) on a bad value.
std::optional<HostPort> parse_host_port(const std::string& text, std::string* error);
std::optional<ZkUrl> parse_zk_url(const std::string& text, std::string* error);
std::optional<Resources> parse_resources(const std::string& text, std::string* error);
// "a,b,c": the non-empty items.
std::vector<std::string> parse_list(const std::string& text);
// "500" or "200-2000" (milliseconds, inclusive uniform range).
bool parse_task_ms(const std::string& text, int* min_ms, int* max_ms, std::string* error);

}  // namespace mesos_sim
