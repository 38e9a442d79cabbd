#pragma once

// MasterSource for a zk:// master: the leader a Detector of the masters' group sees (the lowest
// `json.info_` member), its MasterInfo turned into a URL.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cluster/detector.h"
#include "cluster/group.h"
#include "scheduler/mesos/master_source.h"

namespace scale::mesos {

class ZkMasterSource final : public MasterSource {
 public:
  // `group` (optional) is what `detector` watches, kept alive with it. scheme: what to speak to
  // the detected master ("http").
  explicit ZkMasterSource(std::unique_ptr<cluster::Detector> detector,
                          std::shared_ptr<cluster::Group> group = nullptr,
                          std::string scheme = "http");
  ~ZkMasterSource() override;

  std::optional<std::string> leading_master() override;
  cluster::Subscription subscribe(std::function<void()> on_change) override {
    return subscribers_.add(std::move(on_change));
  }

 private:
  void on_detected();

  const std::shared_ptr<cluster::Group> group_;
  const std::unique_ptr<cluster::Detector> detector_;
  const std::string scheme_;
  std::mutex mutex_;
  std::optional<std::string> leading_;
  cluster::Subscribers<> subscribers_;
  cluster::Subscription detection_;  // last: cancelled before the rest goes
};

}  // namespace scale::mesos
