#include "scheduler/kill_book.h"

#include <glog/logging.h>

#include <algorithm>

namespace scale::scheduler {

void KillBook::want(Kill kill) {
  auto [at, added] = kills_.try_emplace(kill.task_id, Pending{kill, 0, std::nullopt});
  if (added) return;
  at->second.kill = std::move(kill);
  at->second.next.reset();
}

std::vector<KillBook::Kill> KillBook::take_due(Clock::time_point now) {
  std::vector<Kill> due;
  for (auto it = kills_.begin(); it != kills_.end();) {
    Pending& pending = it->second;
    if (pending.next && now < *pending.next) {
      ++it;
      continue;
    }
    due.push_back(pending.kill);
    if (pending.sends > 0) ++resends_;
    if (++pending.sends >= options_.max_sends) {
      LOG(WARNING) << "leader: task " << it->first << " got no terminal update after "
                   << pending.sends << " KILL(s); leaving it to reconciliation";
      it = kills_.erase(it);
      continue;
    }
    const auto grace = std::chrono::duration<double>(pending.kill.grace_s.value_or(0));
    pending.next = now + options_.resend_after + std::chrono::duration_cast<Clock::duration>(grace);
    ++it;
  }
  return due;
}

std::optional<KillBook::Clock::time_point> KillBook::next_due() const {
  std::optional<Clock::time_point> next;
  for (const auto& [task_id, pending] : kills_) {
    if (pending.next && (!next || *pending.next < *next)) next = pending.next;
  }
  return next;
}

}  // namespace scale::scheduler
