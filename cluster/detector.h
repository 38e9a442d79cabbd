#pragma once

// Who leads a group, as a value that changes: the interface the REST API's leader view, the
// status document's replica list and Mesos master detection share. Mesos' LeaderDetector is the
// model: next(previous) answers at once when the leader it knows differs from `previous`, and
// otherwise waits for the group to change. Nobody polls. ZooKeeperDetector watches a Group;
// StandaloneDetector is told by its owner (unit tests).

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "cluster/members.h"
#include "cluster/subscription.h"

namespace scale::cluster {

class Detector {
 public:
  static constexpr std::chrono::milliseconds kForever = std::chrono::milliseconds::max();

  virtual ~Detector() = default;

  // Every member with its data, the leader (lowest sequence) first; empty while none is known
  // (no member, or the group's session is not connected).
  virtual std::vector<Member> members() const = 0;
  std::optional<Member> leader() const {
    auto all = members();
    if (all.empty()) return std::nullopt;
    return std::move(all.front());
  }
  // The leader at once when it differs from `previous`; otherwise waits until it changes, `stop`
  // is requested or `timeout` passes, and returns the leader then known.
  std::optional<Member> next(const std::optional<Member>& previous, std::stop_token stop = {},
                             std::chrono::milliseconds timeout = kForever) {
    return wait_next(previous, std::move(stop), timeout);
  }
  // When each member last proved it is alive (refreshed its node), on this process' wall clock,
  // by member name; a member missing is one whose liveness is not known. Not a change of
  // members(): nobody is woken when it moves.
  virtual std::map<std::string, std::chrono::system_clock::time_point> refreshed() const {
    return {};
  }
  // Called after every change of members(), from the detector's own thread: keep it short.
  virtual Subscription subscribe(std::function<void()> on_change) = 0;

 protected:
  virtual std::optional<Member> wait_next(const std::optional<Member>& previous,
                                          std::stop_token stop,
                                          std::chrono::milliseconds timeout) = 0;
};

}  // namespace scale::cluster
