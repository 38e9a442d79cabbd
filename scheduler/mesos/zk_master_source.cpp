#include "scheduler/mesos/zk_master_source.h"

#include <glog/logging.h>

#include "cluster/master_info.h"
#include "scheduler/mesos/master_url.h"

namespace scale::mesos {

ZkMasterSource::ZkMasterSource(std::unique_ptr<cluster::Detector> detector,
                               std::shared_ptr<cluster::Group> group, std::string scheme)
    : group_(std::move(group)), detector_(std::move(detector)), scheme_(std::move(scheme)) {
  detection_ = detector_->subscribe([this] { on_detected(); });
  on_detected();
}

ZkMasterSource::~ZkMasterSource() {
  detection_.cancel();
}

std::optional<std::string> ZkMasterSource::leading_master() {
  std::lock_guard lock(mutex_);
  return leading_;
}

void ZkMasterSource::on_detected() {
  std::optional<std::string> url;
  {
    // Read under the lock, so that a look at older members cannot be stored last.
    std::lock_guard lock(mutex_);
    const std::optional<cluster::Member> leader = detector_->leader();
    std::optional<cluster::MesosMasterAddress> address;
    if (leader) address = cluster::parse_master_info(leader->data);
    if (address) url = master_base_url(scheme_, address->host, address->port);
    if (url == leading_) return;
    if (url) {
      LOG(INFO) << "Leading Mesos master: " << address->host << ":" << address->port << " ("
                << leader->name << ")";
    } else if (leader) {
      LOG(WARNING) << "Unusable MasterInfo in " << leader->name;
    } else {
      LOG(WARNING) << "No leading Mesos master known"
                   << (group_ ? " under " + group_->path() : std::string());
    }
    leading_ = url;
  }
  subscribers_.notify();
}

}  // namespace scale::mesos
