#include "cluster/session.h"

#include "cluster/zookeeper_session.h"

namespace scale::cluster {

std::shared_ptr<Session> Session::open(const std::string& connect_string,
                                       std::chrono::milliseconds session_timeout,
                                       const std::optional<ZkAuth>& auth) {
  return ZooKeeperSession::open(connect_string, session_timeout, auth);
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

const char* to_string(ZkError error) {
  switch (error) {
    case ZkError::Ok:
      return "Ok";
    case ZkError::NoNode:
      return "NoNode";
    case ZkError::NodeExists:
      return "NodeExists";
    case ZkError::NotEmpty:
      return "NotEmpty";
    case ZkError::ConnectionLoss:
      return "ConnectionLoss";
    case ZkError::SessionExpired:
      return "SessionExpired";
    case ZkError::Closed:
      return "Closed";
    case ZkError::NoAuth:
      return "NoAuth";
    case ZkError::Other:
      return "Other";
  }
  return "Unknown";
}

}  // namespace scale::cluster
