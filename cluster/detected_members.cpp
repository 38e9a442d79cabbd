#include "cluster/detected_members.h"

namespace scale::cluster {

std::vector<Member> DetectedMembers::members() const {
  std::lock_guard lock(mutex_);
  return members_;
}

std::optional<Member> DetectedMembers::leader() const {
  if (members_.empty()) return std::nullopt;
  return members_.front();
}

std::optional<Member> DetectedMembers::next(const std::optional<Member>& previous,
                                            std::stop_token stop,
                                            std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const auto changed = [&] { return leader() != previous; };
  if (timeout == std::chrono::milliseconds::max()) {
    changed_.wait(lock, stop, changed);
  } else {
    changed_.wait_for(lock, stop, timeout, changed);
  }
  return leader();
}

Subscription DetectedMembers::subscribe(std::function<void()> on_change) {
  return subscribers_.add(std::move(on_change));
}

void DetectedMembers::update(std::vector<Member> members) {
  {
    std::lock_guard lock(mutex_);
    if (members == members_) return;
    members_ = std::move(members);
  }
  changed_.notify_all();
  subscribers_.notify();
}

}  // namespace scale::cluster
