#pragma once

// MasterSource backed by the ZooKeeper detector of cluster/ (lowest `json.info_` node).

#include <memory>
#include <string>

#include "cluster/master_detector.h"
#include "scheduler/mesos/master_source.h"

namespace scale::mesos {

class ZkMasterSource final : public MasterSource {
 public:
  // scheme: what to speak to the detected master ("http").
  ZkMasterSource(cluster::MasterDetectorOptions options, std::string scheme = "http")
      : detector_(std::move(options)), scheme_(std::move(scheme)) {}
  std::optional<std::string> leading_master() override;

 private:
  cluster::MasterDetector detector_;
  std::string scheme_;
};

}  // namespace scale::mesos
