#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <variant>

#include "cluster/election.h"
#include "scheduler/event_queue.h"
#include "scheduler/replica_options.h"

namespace scale::db {
class Connection;
}

namespace scale::scheduler {

// Why a term of leadership stopped.
enum class LeaderOutcome { TermEnded, FencedOut, PromotionRefused, Stopped };
const char* to_string(LeaderOutcome outcome);

// The leader's work for one term, on one thread: promote through the PostgreSQL fence, then write
// the status document every status interval in fenced transactions until the term ends, a write
// is fenced out, or the replica stops. A suspended term (ZooKeeper connection lost) writes nothing.
class Leader {
 public:
  Leader(const ReplicaOptions& options, cluster::ZkSession& zk, cluster::Term& term,
         std::atomic<bool>& promoted);
  ~Leader();

  LeaderOutcome run(std::stop_token stop);

 private:
  struct TermEnded {};
  struct Stop {};
  using Event = std::variant<TermEnded, Stop>;

  bool promote(std::stop_token stop);
  bool ensure_connection();
  bool write_status();  // false when fenced out
  void wait_for_retry(std::chrono::milliseconds delay);

  const ReplicaOptions& options_;
  cluster::ZkSession& zk_;
  cluster::Term& term_;
  std::atomic<bool>& promoted_;
  std::shared_ptr<EventQueue<Event>> events_;
  std::unique_ptr<db::Connection> conn_;
  std::chrono::system_clock::time_point term_started_;
  bool stopping_ = false;
  bool db_warned_ = false;
};

}  // namespace scale::scheduler
