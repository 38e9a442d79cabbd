#include "cluster/zk_client.h"

#include <stdexcept>

namespace scale::cluster {

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

std::shared_ptr<ZkClient> client_of(ZkSession& session) {
  auto* provider = dynamic_cast<ZkClientProvider*>(&session);
  if (provider == nullptr) {
    throw std::invalid_argument("cluster: this ZkSession cannot run an election");
  }
  return provider->client();
}

}  // namespace scale::cluster
