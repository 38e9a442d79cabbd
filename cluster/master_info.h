#pragma once

// What a Mesos master registers in ZooKeeper (spec A.13): its MasterInfo as JSON in a
// `json.info_<seq>` member of the masters' group (see master_members() in members.h; the lowest
// sequence leads). Detection itself is a ZooKeeperDetector on that group.

#include <optional>
#include <string>

namespace scale::cluster {

struct MesosMasterAddress {
  std::string host;  // address.ip, else address.hostname, else hostname
  int port = 0;
  bool operator==(const MesosMasterAddress&) const = default;
};

// Host and port from a MasterInfo JSON document; nullopt when it has neither.
std::optional<MesosMasterAddress> parse_master_info(const std::string& json);

}  // namespace scale::cluster
