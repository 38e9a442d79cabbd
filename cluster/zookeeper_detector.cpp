#include "cluster/zookeeper_detector.h"

namespace scale::cluster {

ZooKeeperDetector::ZooKeeperDetector(std::shared_ptr<Group> group) : group_(std::move(group)) {
  watch_ = group_->watch([this](const std::vector<Member>& members) { detected_.update(members); });
}

ZooKeeperDetector::~ZooKeeperDetector() {
  watch_.cancel();
}

}  // namespace scale::cluster
