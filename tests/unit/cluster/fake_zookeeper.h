#pragma once

// In-process stand-in for ZooKeeper, for unit tests that must force interleavings a real server
// cannot produce on demand (a create whose reply is lost, a node owned by another session).
// Watches fire synchronously on the thread that mutates the tree.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/ensemble.h"
#include "cluster/session.h"
#include "cluster/watch_table.h"

namespace scale::cluster::testing {

// Polls cond every few milliseconds until true or the deadline; true when it became true.
inline bool eventually(const std::function<bool()>& cond,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

class FakeZooKeeper {
 public:
  struct Node {
    std::string data;
    long long czxid = 0;
    long long owner = 0;  // ephemeralOwner; 0 for persistent nodes
    long long mtime_ms = 0;
  };

  ZkError create(long long session, const std::string& path, const std::string& data,
                 CreateMode mode, std::string* created);
  ZkError remove(const std::string& path);
  ZkError get_children(const std::string& path, std::vector<std::string>* children);
  ZkError get(const std::string& path, std::string* data, ZkStat* stat);
  // mtime_ms is the zxid the write got: a clock that only moves forward.
  ZkError set(const std::string& path, const std::string& data, ZkStat* stat);
  ZkError exists(const std::string& path, ZkStat* stat);

  uint64_t add_watch(const std::string& path, WatchKind kind, Session::WatchCallback callback);
  void remove_watch(uint64_t id);
  // Deletes the session's ephemeral nodes, as the server does on expiry or close.
  void end_session(long long session);

  bool contains(const std::string& path);
  std::vector<std::string> children(const std::string& path);  // sorted by name
  size_t watch_count(const std::string& path);
  // Forgets the watches on path without firing them (a notification lost with the connection).
  void drop_watches(const std::string& path);
  std::optional<Node> node(const std::string& path);

 private:
  // `mutex_` not held. A node's own watches, then its parent's child watches.
  void fire(const std::string& path, NodeEvent event);
  static std::string parent_of(const std::string& path);

  std::mutex mutex_;
  std::map<std::string, Node> nodes_{{"/", Node{}}};
  std::map<std::string, int> next_sequence_;
  long long zxid_ = 1000;
  WatchTable watches_;  // as ZooKeeperSession's: remove waits for a running callback
};

// One fake session over a FakeZooKeeper. The test drives its state with set_state().
class FakeSession final : public Session {
 public:
  FakeSession(std::shared_ptr<FakeZooKeeper> tree, long long session_id,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

  // Notifies subscribers; Expired and Closed then end the session in the tree.
  void set_state(SessionState state);

  // Fault injection, set before the client is used. A non-empty result fails the operation
  // without applying it. `op` is "create", "remove", "get_children", "get" or "exists".
  std::function<std::optional<ZkError>(const std::string& op, const std::string& path)> before_op;
  // This many ephemeral creates are applied but answer ConnectionLoss (a lost reply).
  std::atomic<int> lose_create_replies{0};
  // When non-zero, ephemeral nodes are created with this ephemeralOwner instead of the session.
  std::atomic<long long> owner_override{0};
  int operation_count(const std::string& op);

  SessionState state() const override;
  bool wait_connected(std::chrono::milliseconds timeout) override;
  long long session_id() const override { return session_id_; }
  std::chrono::milliseconds session_timeout() const override { return timeout_; }
  Subscription subscribe(StateCallback callback) override;
  void close() override { set_state(SessionState::Closed); }
  ZkError create(const std::string& path, const std::string& data, CreateMode mode,
                 std::string* created_path) override;
  ZkError remove(const std::string& path) override;
  ZkError get_children(const std::string& path, std::vector<std::string>* children,
                       WatchCallback watch = nullptr,
                       Subscription* watch_subscription = nullptr) override;
  ZkError get(const std::string& path, std::string* data, ZkStat* stat) override;
  ZkError set(const std::string& path, const std::string& data, ZkStat* stat) override;
  ZkError exists(const std::string& path, ZkStat* stat, WatchCallback watch = nullptr,
                 Subscription* watch_subscription = nullptr) override;

 private:
  // The error an operation fails with in the current state, or nullopt to go ahead.
  std::optional<ZkError> precheck(const std::string& op, const std::string& path);

  const std::shared_ptr<FakeZooKeeper> tree_;
  const long long session_id_;
  const std::chrono::milliseconds timeout_;
  mutable std::mutex state_mutex_;
  SessionState state_ = SessionState::Connected;
  std::map<std::string, int> operations_;
  Subscribers<SessionState> subscribers_;
};

// An Ensemble whose sessions are `sessions`, handed out one after the other as each expires (the
// last one again when they run out), so that a group can be given a new session on demand.
std::shared_ptr<Ensemble> fake_ensemble(std::vector<std::shared_ptr<FakeSession>> sessions);

}  // namespace scale::cluster::testing
