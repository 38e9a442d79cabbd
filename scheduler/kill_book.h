#pragma once

// The KILLs the leader wants delivered this term, each with its grace period (spec B.3). A KILL
// can be lost on the way (a master failover, an agent that was disconnected), so one that gets no
// terminal update is sent again after resend_after plus its grace, a bounded number of times; a
// task that shows up alive later is wanted dead again by whoever sees it (apply_updates' `kill`).

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace scale::scheduler {

class KillBook {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::chrono::milliseconds resend_after{30000};
    int max_sends = 5;  // then the task is left to reconciliation
  };

  struct Kill {
    std::string task_id;
    std::string agent_id;
    std::optional<double> grace_s;  // the job's kill grace; nullopt: the task's own policy
  };

  explicit KillBook(Options options) : options_(options) {}

  // To be sent at the next take_due(); a kill wanted again is sent again at once.
  void want(Kill kill);
  // The kills to send now (new ones and resends due), recorded as sent at `now`.
  std::vector<Kill> take_due(Clock::time_point now);
  // A terminal update for the task was committed: nothing more to send.
  void ended(const std::string& task_id) { kills_.erase(task_id); }
  // When the next resend is due; nullopt when none is waiting.
  std::optional<Clock::time_point> next_due() const;
  bool wanted(const std::string& task_id) const { return kills_.count(task_id) > 0; }
  size_t size() const { return kills_.size(); }
  uint64_t resends() const { return resends_; }

 private:
  struct Pending {
    Kill kill;
    int sends = 0;
    std::optional<Clock::time_point> next;  // nullopt: at the next take_due
  };

  Options options_;
  std::unordered_map<std::string, Pending> kills_;  // by task id
  uint64_t resends_ = 0;
};

}  // namespace scale::scheduler
