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

#include "cluster/zk_client.h"

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
  };

  ZkError create(long long session, const std::string& path, const std::string& data,
                 CreateMode mode, std::string* created);
  ZkError remove(const std::string& path);
  ZkError get_children(const std::string& path, std::vector<std::string>* children);
  ZkError get(const std::string& path, std::string* data, ZkStat* stat);
  ZkError exists(const std::string& path, ZkStat* stat);

  uint64_t add_watch(const std::string& path, ZkClient::WatchCallback callback);
  void remove_watch(const std::string& path, uint64_t id);
  // Deletes the session's ephemeral nodes, as the server does on expiry or close.
  void end_session(long long session);

  bool contains(const std::string& path);
  std::vector<std::string> children(const std::string& path);  // sorted by name
  size_t watch_count(const std::string& path);
  // Forgets the watches on path without firing them (a notification lost with the connection).
  void drop_watches(const std::string& path);
  std::optional<Node> node(const std::string& path);

 private:
  void fire(const std::string& path, NodeEvent event);  // `mutex_` not held
  static std::string parent_of(const std::string& path);

  std::mutex mutex_;
  std::map<std::string, Node> nodes_{{"/", Node{}}};
  std::map<std::string, int> next_sequence_;
  long long zxid_ = 1000;
  // Held while watch callbacks run so that remove_watch waits for a running one, as ZkHandle.
  std::mutex dispatch_mutex_;
  std::multimap<std::string, std::pair<uint64_t, ZkClient::WatchCallback>> watches_;
  uint64_t next_watch_ = 1;
};

// One fake session over a FakeZooKeeper. The test drives its state with set_state().
class FakeZkClient final : public ZkClient, public std::enable_shared_from_this<FakeZkClient> {
 public:
  FakeZkClient(std::shared_ptr<FakeZooKeeper> tree, long long session_id,
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
  long long session_id() const override { return session_id_; }
  std::chrono::milliseconds session_timeout() const override { return timeout_; }
  Subscription subscribe(StateCallback callback) override;
  ZkError create(const std::string& path, const std::string& data, CreateMode mode,
                 std::string* created_path) override;
  ZkError remove(const std::string& path) override;
  ZkError get_children(const std::string& path, std::vector<std::string>* children) override;
  ZkError get(const std::string& path, std::string* data, ZkStat* stat) override;
  ZkError exists(const std::string& path, ZkStat* stat, WatchCallback watch,
                 Subscription* watch_subscription) override;

 private:
  // The error an operation fails with in the current state, or nullopt to go ahead.
  std::optional<ZkError> precheck(const std::string& op, const std::string& path);

  const std::shared_ptr<FakeZooKeeper> tree_;
  const long long session_id_;
  const std::chrono::milliseconds timeout_;
  mutable std::mutex state_mutex_;
  SessionState state_ = SessionState::Connected;
  std::map<std::string, int> operations_;
  std::mutex subscribers_mutex_;  // held while callbacks run
  std::map<uint64_t, StateCallback> subscribers_;
  uint64_t next_subscriber_ = 1;
};

}  // namespace scale::cluster::testing
