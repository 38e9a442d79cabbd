#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster.h"

// Background observers that run for the whole drill, one per replica (its role and the status
// document it serves; Mesos is watched by mesos_watch.h), and the violations they record. They
// keep time-stamped histories so the fault loop can ask "when did X first happen after t"
// without racing them.
namespace scale::drill {

struct Violation {
  std::string check;
  std::string detail;
  double at = 0;  // wall seconds
};

class Violations {
 public:
  void add(const std::string& check, const std::string& detail);
  std::vector<Violation> all() const;
  size_t count(const std::string& check) const;

 private:
  mutable std::mutex mutex_;
  std::vector<Violation> list_;
  std::map<std::string, size_t> counts_;
};

// Sleeps until `until` in 10 ms steps, or less once stop is set (the watchers' threads).
void sleep_until_or_stop(std::chrono::steady_clock::time_point until,
                         const std::atomic<bool>& stop);

enum class Role { Unreachable, Leader, Follower, NoLeaderKnown, Other };
const char* role_name(Role role);

struct StatusCounts {
  long polls = 0, ok = 0, unavailable = 0, no_answer = 0, stale_ok = 0;
  double worst_age_ok = 0;  // oldest document age seen in a 200, seconds
};

class ReplicaWatch {
 public:
  ReplicaWatch(ReplicaInfo replica, double fresh_s, Violations& violations);
  ~ReplicaWatch();
  ReplicaWatch(const ReplicaWatch&) = delete;
  ReplicaWatch& operator=(const ReplicaWatch&) = delete;

  const ReplicaInfo& replica() const { return replica_; }
  // The first /leaderhealth answer received at or after t that showed this role.
  std::optional<double> first_role_at_or_after(Role role, double t) const;
  // The last role seen and when it was received (0 before the first answer).
  std::pair<Role, double> last_role() const;
  // The `timestamp` of the first status document written at or after t, by a term with an epoch
  // other than not_epoch (0: any), that this replica served.
  std::optional<double> first_status_at_or_after(double t, long long not_epoch = 0) const;
  StatusCounts status_counts() const;

 private:
  void run();
  void poll_status(class HttpClient& client);

  ReplicaInfo replica_;
  double fresh_s_;
  Violations& violations_;
  mutable std::mutex mutex_;
  std::vector<std::pair<double, Role>> roles_;           // every answer, in time order
  std::vector<std::pair<double, long long>> documents_;  // distinct (timestamp, epoch) served
  StatusCounts counts_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace scale::drill
