#pragma once

// The Detector of one ZooKeeper group: the members its Group watches (a child watch, no polling).

#include <memory>

#include "cluster/detected_members.h"
#include "cluster/detector.h"
#include "cluster/group.h"

namespace scale::cluster {

// Thread-safe. Shares the group, and so its session, with whoever else uses it; subscribers are
// called on the group's thread.
class ZooKeeperDetector final : public Detector {
 public:
  explicit ZooKeeperDetector(std::shared_ptr<Group> group);
  ~ZooKeeperDetector() override;

  std::vector<Member> members() const override { return detected_.members(); }
  std::map<std::string, std::chrono::system_clock::time_point> refreshed() const override {
    return group_->refreshed();
  }
  Subscription subscribe(std::function<void()> on_change) override {
    return detected_.subscribe(std::move(on_change));
  }

 protected:
  std::optional<Member> wait_next(const std::optional<Member>& previous, std::stop_token stop,
                                  std::chrono::milliseconds timeout) override {
    return detected_.next(previous, std::move(stop), timeout);
  }

 private:
  const std::shared_ptr<Group> group_;
  DetectedMembers detected_;
  Subscription watch_;
};

}  // namespace scale::cluster
