#include "cluster/zookeeper_acl.h"

#include <cstring>

namespace scale::cluster {

NodeAcl::NodeAcl(const std::optional<ZkAuth>& auth) {
  if (!auth) return;
  digest_id_ = digest_acl_id(*auth);
  // READ for anyone: operators and monitoring (and every replica's leader view) list the
  // candidates without the credential; only its holders may join, leave or change anything.
  entries_ = {ACL{ZOO_PERM_ALL, Id{digest_scheme_.data(), digest_id_.data()}},
              ACL{ZOO_PERM_READ, Id{world_scheme_.data(), anyone_id_.data()}}};
}

ACL_vector NodeAcl::entries() {
  if (entries_.empty()) return ZOO_OPEN_ACL_UNSAFE;
  return ACL_vector{static_cast<int32_t>(entries_.size()), entries_.data()};
}

bool NodeAcl::writable_by_anyone(const ACL_vector& acl) {
  for (int32_t i = 0; i < acl.count; ++i) {
    const ACL& entry = acl.data[i];
    if (std::strcmp(entry.id.scheme, "world") == 0 && std::strcmp(entry.id.id, "anyone") == 0 &&
        (entry.perms & ~ZOO_PERM_READ) != 0) {
      return true;
    }
  }
  return false;
}

}  // namespace scale::cluster
