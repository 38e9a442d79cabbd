#pragma once

// What every Detector keeps: the members last seen, a wait for the leader to change, and the
// subscribers to tell. Its owner feeds it with update(); both detectors answer through it, so
// their next() means exactly the same.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

#include "cluster/members.h"
#include "cluster/subscription.h"

namespace scale::cluster {

class DetectedMembers {
 public:
  std::vector<Member> members() const;
  // See Detector::next.
  std::optional<Member> next(const std::optional<Member>& previous, std::stop_token stop,
                             std::chrono::milliseconds timeout);
  Subscription subscribe(std::function<void()> on_change);
  // Stores `members` and, when they changed, wakes next() and calls the subscribers (on the
  // caller's thread).
  void update(std::vector<Member> members);

 private:
  std::optional<Member> leader() const;  // mutex_ held

  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::vector<Member> members_;
  Subscribers<> subscribers_;
};

}  // namespace scale::cluster
