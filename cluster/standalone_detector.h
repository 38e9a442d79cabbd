#pragma once

// A Detector without ZooKeeper, for unit tests (Mesos' StandaloneMasterDetector is the model):
// its owner appoints the leader, or sets the whole member list, and every waiter and subscriber
// hears of it at once.

#include <optional>
#include <vector>

#include "cluster/detected_members.h"
#include "cluster/detector.h"

namespace scale::cluster {

// Thread-safe; subscribers are called on the thread that appoints.
class StandaloneDetector final : public Detector {
 public:
  // The group then holds `leader` alone, or nobody.
  void appoint(std::optional<Member> leader);
  // Members in leading order: the first one leads.
  void set_members(std::vector<Member> members) { detected_.update(std::move(members)); }

  std::vector<Member> members() const override { return detected_.members(); }
  Subscription subscribe(std::function<void()> on_change) override {
    return detected_.subscribe(std::move(on_change));
  }

 protected:
  std::optional<Member> wait_next(const std::optional<Member>& previous, std::stop_token stop,
                                  std::chrono::milliseconds timeout) override {
    return detected_.next(previous, std::move(stop), timeout);
  }

 private:
  DetectedMembers detected_;
};

}  // namespace scale::cluster
