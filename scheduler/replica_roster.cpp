#include "scheduler/replica_roster.h"

#include <algorithm>

#include "cluster/candidate_info.h"

namespace scale::scheduler {

double heartbeat_age_s(std::chrono::system_clock::time_point refreshed,
                       std::chrono::system_clock::time_point now) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - refreshed).count();
  return static_cast<double>(std::max<long long>(ms, 0)) / 1000.0;
}

std::vector<ReplicaSeen> replicas_seen(
    const std::vector<cluster::Member>& members,
    const std::map<std::string, std::chrono::system_clock::time_point>& refreshed,
    std::chrono::system_clock::time_point now) {
  std::vector<ReplicaSeen> seen;
  for (const auto& member : members) {
    auto info = cluster::parse_candidate_info(member.data);
    if (!info) continue;
    ReplicaSeen replica;
    replica.replica_id = std::move(info->replica_id);
    replica.api_url = std::move(info->api_url);
    replica.hostname = std::move(info->hostname);
    replica.pid = info->pid;
    replica.version = std::move(info->version);
    replica.started = std::move(info->started);
    if (auto it = refreshed.find(member.name); it != refreshed.end()) {
      replica.heartbeat_age_s = heartbeat_age_s(it->second, now);
    }
    seen.push_back(std::move(replica));
  }
  return seen;
}

}  // namespace scale::scheduler
