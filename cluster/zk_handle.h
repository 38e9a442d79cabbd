#pragma once

// ZkClient over one zhandle_t of the multi-threaded ZooKeeper C client.

#include <zookeeper/zookeeper.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "cluster/zk_auth.h"
#include "cluster/zk_client.h"

namespace scale::cluster {

// Threading: the C client delivers every event on its own completion thread; this class turns
// them into SessionState changes and node-watch callbacks on that thread. Operations may be
// called from any other thread. close() joins the C client's threads, so after it returns no
// callback runs any more; the object itself is owned by shared_ptr so that the watcher context
// (this) outlives the handle however the owners are destroyed.
class ZkHandle final : public ZkClient, public std::enable_shared_from_this<ZkHandle> {
 public:
  // Session id and password: enough to attach a second handle to the same session.
  struct Credentials {
    long long session_id = 0;
    std::string password;
  };

  // With `auth`, every session of this handle authenticates with that digest credential and
  // every node it creates gets the ACL "ALL for that identity, READ for anyone".
  ZkHandle(std::string connect_string, std::chrono::milliseconds session_timeout,
           std::optional<ZkAuth> auth = std::nullopt);
  ~ZkHandle() override;
  ZkHandle(const ZkHandle&) = delete;
  ZkHandle& operator=(const ZkHandle&) = delete;

  // Creates the C client handle (does not wait for the connection). With `resume`, attaches to
  // that existing session. Throws std::runtime_error when the C client refuses (malformed
  // connect string, unresolvable host).
  void open(const Credentials* resume);
  // Closes the session and joins the C client's threads. Idempotent. Must not be called from a
  // callback of this handle.
  void close();
  bool wait_connected(std::chrono::milliseconds timeout);
  // Valid once connected.
  Credentials credentials() const;

  SessionState state() const override;
  long long session_id() const override;
  std::chrono::milliseconds session_timeout() const override;
  Subscription subscribe(StateCallback callback) override;

  ZkError create(const std::string& path, const std::string& data, CreateMode mode,
                 std::string* created_path) override;
  ZkError remove(const std::string& path) override;
  ZkError get_children(const std::string& path, std::vector<std::string>* children) override;
  ZkError get(const std::string& path, std::string* data, ZkStat* stat) override;
  ZkError exists(const std::string& path, ZkStat* stat, WatchCallback watch,
                 Subscription* watch_subscription) override;
  ZkError restrict_acl(const std::string& path, bool* changed) override;

 private:
  static void on_auth_reply(int rc, const void* context);
  // The ACL of the nodes this handle creates: open without a credential.
  ACL_vector create_acl();
  static void on_event(zhandle_t* zh, int type, int state, const char* path, void* context);
  void on_session_event(zhandle_t* zh, int zk_state);
  void on_node_event(int type, const std::string& path);
  // Moves to `next` unless already terminal; notifies subscribers when the state changed.
  void transition(SessionState next);
  // Runs op with the handle, guarded against a concurrent close().
  template <typename Op>
  ZkError call(Op&& op);
  uint64_t add_watch(const std::string& path, WatchCallback callback);
  void remove_watch(const std::string& path, uint64_t id);

  const std::string connect_string_;
  const std::chrono::milliseconds requested_timeout_;
  const std::optional<ZkAuth> auth_;
  // Strings the C client's ACL entries point into (it wants char*, and never writes them).
  std::string digest_scheme_ = "digest";
  std::string digest_id_;  // user:base64(sha1(user:password)); empty without a credential
  std::string world_scheme_ = "world";
  std::string anyone_id_ = "anyone";
  std::vector<ACL> acl_entries_;

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

  // Held while callbacks run, so cancelling a subscription waits for a running callback.
  // Lock order: subscribers_mutex_, then state_mutex_.
  std::mutex subscribers_mutex_;
  std::map<uint64_t, StateCallback> subscribers_;
  std::mutex watches_mutex_;
  std::multimap<std::string, std::pair<uint64_t, WatchCallback>> watches_;
  std::atomic<uint64_t> next_id_{1};
};

}  // namespace scale::cluster
