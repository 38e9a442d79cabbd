#pragma once

// The ACL a ZooKeeperSession gives the nodes it creates, in the C client's terms: open to anyone
// without a credential; with one, ALL for the credential's identity and READ for anyone.

#include <zookeeper/zookeeper.h>

#include <optional>
#include <string>
#include <vector>

#include "cluster/zk_auth.h"

namespace scale::cluster {

class NodeAcl {
 public:
  explicit NodeAcl(const std::optional<ZkAuth>& auth);
  // The C client's ACL entries point into this object: it never moves.
  NodeAcl(const NodeAcl&) = delete;
  NodeAcl& operator=(const NodeAcl&) = delete;

  bool restricted() const { return !entries_.empty(); }
  // For zoo_create and zoo_set_acl; valid as long as this object.
  ACL_vector entries();
  // True when `acl` lets a client without the credential change the node (it predates it).
  static bool writable_by_anyone(const ACL_vector& acl);

 private:
  // Strings the entries point into (the C client wants char*, and never writes them).
  std::string digest_scheme_ = "digest";
  std::string digest_id_;  // user:base64(sha1(user:password)); empty without a credential
  std::string world_scheme_ = "world";
  std::string anyone_id_ = "anyone";
  std::vector<ACL> entries_;
};

}  // namespace scale::cluster
