#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster.h"

// Background observers that run for the whole drill: one per replica (its role and the status
// document it serves) and one for the Mesos emulator (subscriptions and the launch journal).
// They keep time-stamped histories so the fault loop can ask "when did X first happen after t"
// without racing them, and record violations as they see them.
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

struct Launch {
  double time = 0;
  std::string task_id, framework_id, stream_id;
};

struct AgentView {
  std::string id, state;
  int tasks = 0;
};

class SimWatch {
 public:
  SimWatch(std::string sim_url, Violations& violations);
  ~SimWatch();
  SimWatch(const SimWatch&) = delete;
  SimWatch& operator=(const SimWatch&) = delete;

  // The first launch journaled at or after t; with new_streams_only, only on a subscription
  // stream that launched nothing before t (a new leader's, not a late one of the old leader's).
  std::optional<double> first_launch_at_or_after(double t, bool new_streams_only = false) const;
  size_t launches_between(double from, double to) const;
  std::vector<Launch> launches() const;
  std::vector<AgentView> agents() const;  // as of the last /sim/state
  long long duplicate_launches() const;   // /sim/state's own count
  int max_live_streams() const;
  // Polls once more, synchronously, so the audit sees every launch up to now.
  void catch_up();

 private:
  void run();
  void poll(class HttpClient& client);

  std::string url_;
  Violations& violations_;
  mutable std::mutex mutex_;
  std::mutex poll_mutex_;  // the thread and catch_up() poll one at a time
  std::vector<Launch> launches_;
  unsigned long long next_ = 0;
  std::vector<AgentView> agents_;
  long long duplicates_ = 0;
  int max_live_ = 0;
  bool over_one_ = false;  // inside an episode of more than one live subscription
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace scale::drill
