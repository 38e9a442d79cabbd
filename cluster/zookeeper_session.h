#pragma once

// The Session over one zhandle_t of the multi-threaded ZooKeeper C client.

#include <zookeeper/zookeeper.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "cluster/session.h"
#include "cluster/watch_table.h"
#include "cluster/zk_auth.h"
#include "cluster/zookeeper_acl.h"

namespace scale::cluster {

// Threading: the C client delivers every event on its own completion thread; this class turns
// them into SessionState changes and watch callbacks on that thread. Operations may be called
// from any other thread. close() joins the C client's threads, so after it returns no callback
// runs any more. Owned by shared_ptr (open()): whoever holds it (a group, a term) keeps it
// memory-safe after it is closed; its operations then answer Closed.
class ZooKeeperSession final : public Session,
                               public std::enable_shared_from_this<ZooKeeperSession> {
 public:
  // Session id and password: enough to attach a second client to the same session.
  struct Credentials {
    long long session_id = 0;
    std::string password;
  };

  // See Session::open. With `resume`, attaches to that existing session instead of creating one
  // (tests force an expiry so: attach, wait connected, close). Throws std::runtime_error when the
  // C client refuses (malformed connect string, unresolvable host).
  static std::shared_ptr<ZooKeeperSession> open(const std::string& connect_string,
                                                std::chrono::milliseconds session_timeout,
                                                const std::optional<ZkAuth>& auth = std::nullopt,
                                                const Credentials* resume = nullptr);

 private:
  struct Key {};  // only open() constructs: watch cancellations need the shared ownership

 public:
  ZooKeeperSession(Key, std::string connect_string, std::chrono::milliseconds session_timeout,
                   const std::optional<ZkAuth>& auth);
  ~ZooKeeperSession() override;  // close()
  ZooKeeperSession(const ZooKeeperSession&) = delete;
  ZooKeeperSession& operator=(const ZooKeeperSession&) = delete;

  // Id and password of the established session (valid once connected).
  Credentials credentials() const;

  SessionState state() const override;
  bool wait_connected(std::chrono::milliseconds timeout) override;
  long long session_id() const override;
  std::chrono::milliseconds session_timeout() const override;
  Subscription subscribe(StateCallback callback) override;
  void close() override;

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
  ZkError restrict_acl(const std::string& path, bool* changed) override;

 private:
  // Creates the C client handle (does not wait for the connection).
  void start(const Credentials* resume);
  void add_credential(zhandle_t* zh);
  static void on_auth_reply(int rc, const void* context);
  static void on_event(zhandle_t* zh, int type, int state, const char* path, void* context);
  void on_session_event(zhandle_t* zh, int zk_state);
  // Moves to `next` unless already terminal; notifies subscribers when the state changed.
  void transition(SessionState next);
  // Runs op with the handle, guarded against a concurrent close().
  template <typename Op>
  ZkError call(Op&& op);
  // Registers a watch before its request (an event racing with the reply is not lost) and keeps
  // it only when `kept`, handing its cancellation to *subscription.
  uint64_t watch(const std::string& path, WatchKind kind, WatchCallback callback);
  void keep_watch(uint64_t id, bool kept, Subscription* subscription);

  const std::string connect_string_;
  const std::chrono::milliseconds requested_timeout_;
  const std::optional<ZkAuth> auth_;
  NodeAcl acl_;

  // Held shared for the duration of an operation and exclusively to take the handle for close,
  // so no operation ever starts on a closed zhandle_t.
  std::shared_mutex handle_mutex_;
  zhandle_t* zh_ = nullptr;
  std::atomic<bool> closing_{false};

  mutable std::mutex state_mutex_;
  std::condition_variable state_changed_;
  SessionState state_ = SessionState::Connecting;
  std::chrono::milliseconds negotiated_timeout_;
  Credentials credentials_;

  // Lock order: the subscribers' lock (held across a change and its notification), then
  // state_mutex_.
  Subscribers<SessionState> subscribers_;
  WatchTable watches_;
};

}  // namespace scale::cluster
