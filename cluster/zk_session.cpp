#include "cluster/zk_session.h"

#include "cluster/zookeeper_session.h"

namespace scale::cluster {

std::unique_ptr<ZkSession> ZkSession::open(const std::string& connect_string,
                                           std::chrono::milliseconds session_timeout,
                                           const std::optional<ZkAuth>& auth) {
  return std::make_unique<ZooKeeperSession>(connect_string, session_timeout, nullptr, auth);
}

const char* to_string(SessionState state) {
  switch (state) {
    case SessionState::Connecting:
      return "Connecting";
    case SessionState::Connected:
      return "Connected";
    case SessionState::Suspended:
      return "Suspended";
    case SessionState::Expired:
      return "Expired";
    case SessionState::Closed:
      return "Closed";
  }
  return "Unknown";
}

}  // namespace scale::cluster
