// The group's liveness: each replica rewrites its own members' data every refresh interval, so
// their mtime shows when it last proved it was alive, and reads every watched member's mtime
// (moved onto this replica's clock) for the heartbeat ages of the status document.
#include "cluster/group.h"

namespace scale::cluster {

std::map<std::string, Group::WallClock::time_point> Group::refreshed() const {
  std::lock_guard lock(mutex_);
  return refreshed_;
}

// Due every refresh interval: rewrites the joined members' data, then reads everyone's mtime.
Group::Clock::time_point Group::refresh_liveness(Session& session, Clock::time_point now) {
  if (refresh_interval_.count() <= 0) return Clock::time_point::max();
  if (now < next_refresh_) return next_refresh_;
  next_refresh_ = now + refresh_interval_;
  std::map<std::string, std::string> joined;
  {
    std::lock_guard lock(mutex_);
    joined = joined_;
  }
  for (const auto& [member, data] : joined) {
    const auto sent = WallClock::now();
    ZkStat stat;
    const ZkError error = session.set(path_of(member), data, &stat);
    if (error == ZkError::Ok) {
      // The server stamped the write between sent and now: the middle is the best guess.
      const auto answered = WallClock::now();
      server_offset_ = sent + (answered - sent) / 2 -
                       WallClock::time_point(std::chrono::milliseconds(stat.mtime_ms));
    } else if (error == ZkError::NoNode) {
      std::lock_guard lock(mutex_);
      joined_.erase(member);  // deleted (by its term's end, an operator): nothing left to prove
    }
  }
  read_liveness(session);
  return next_refresh_;
}

void Group::read_liveness(Session& session) {
  std::map<std::string, WallClock::time_point> seen;
  for (const Member& member : watched()) {
    ZkStat stat;
    if (session.exists(path_of(member.name), &stat) != ZkError::Ok) continue;
    seen[member.name] =
        WallClock::time_point(std::chrono::milliseconds(stat.mtime_ms)) + server_offset_;
  }
  std::lock_guard lock(mutex_);
  refreshed_ = std::move(seen);
}

}  // namespace scale::cluster
