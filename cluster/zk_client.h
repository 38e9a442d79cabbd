#pragma once

// Internal to cluster/: the ZooKeeper operations the election needs, behind a small interface so
// the election and term logic run against an in-process fake in unit tests and against the real
// C client (ZkHandle) everywhere else.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cluster/zk_session.h"

namespace scale::cluster {

// Outcome of one operation, reduced to what callers decide on.
//   ConnectionLoss: the request may or may not have been applied (session maybe alive).
//   SessionExpired: the session is gone for good (also: auth failed, session moved).
//   Closed: the handle was closed by its owner.
//   NoAuth: the node's ACL refuses this session (no credential, or not the one in the ACL).
enum class ZkError {
  Ok,
  NoNode,
  NodeExists,
  NotEmpty,
  ConnectionLoss,
  SessionExpired,
  Closed,
  NoAuth,
  Other
};
const char* to_string(ZkError error);

// The part of a znode's Stat the election uses.
struct ZkStat {
  long long czxid = 0;
  long long ephemeral_owner = 0;
};

enum class NodeEvent { Created, Deleted, DataChanged, ChildrenChanged };

enum class CreateMode { Persistent, EphemeralSequential };

// A callback registration that is cancelled on destruction, reset or move-assignment. Once
// cancel() returns, the callback is not running and never runs again. Never cancel from inside
// the callback itself (it would wait for itself).
class Subscription {
 public:
  Subscription() = default;
  explicit Subscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  Subscription(Subscription&& other) noexcept : cancel_(std::exchange(other.cancel_, nullptr)) {}
  Subscription& operator=(Subscription&& other) noexcept {
    if (this != &other) {
      cancel();
      cancel_ = std::exchange(other.cancel_, nullptr);
    }
    return *this;
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { cancel(); }

  void cancel() {
    if (auto cancel = std::exchange(cancel_, nullptr)) cancel();
  }
  bool active() const { return static_cast<bool>(cancel_); }

 private:
  std::function<void()> cancel_;
};

// Thread-safe. Operations are synchronous and block for one round trip (bounded by the session
// timeout when the connection is lost). Callbacks run on the client's event thread: they must be
// short and must not call operations of the client (that would stall event delivery).
class ZkClient {
 public:
  using StateCallback = std::function<void(SessionState)>;
  using WatchCallback = std::function<void(NodeEvent)>;

  virtual ~ZkClient() = default;

  virtual SessionState state() const = 0;
  virtual long long session_id() const = 0;
  virtual std::chrono::milliseconds session_timeout() const = 0;
  // Called on every state change until the subscription is cancelled.
  virtual Subscription subscribe(StateCallback callback) = 0;

  // created_path receives the actual name (with the sequence suffix) on success.
  virtual ZkError create(const std::string& path, const std::string& data, CreateMode mode,
                         std::string* created_path) = 0;
  virtual ZkError remove(const std::string& path) = 0;
  virtual ZkError get_children(const std::string& path, std::vector<std::string>* children) = 0;
  virtual ZkError get(const std::string& path, std::string* data, ZkStat* stat) = 0;
  // stat may be null. With a watch callback, sets a one-shot watch (also when the node does not
  // exist: it then fires on Created) and stores its registration in *watch_subscription; the
  // watch is registered only when the result is Ok or NoNode.
  virtual ZkError exists(const std::string& path, ZkStat* stat, WatchCallback watch = nullptr,
                         Subscription* watch_subscription = nullptr) = 0;
  // Only for a client with a digest credential (see zk_auth.h), a no-op returning Ok otherwise:
  // when `path`'s ACL lets a client without the credential change it (the node predates the
  // credential), replaces it by the ACL this client gives the nodes it creates; *changed tells.
  virtual ZkError restrict_acl(const std::string& path, bool* changed) {
    (void)path;
    if (changed != nullptr) *changed = false;
    return ZkError::Ok;
  }
};

// Implemented by ZkSession implementations whose client the election can use. The shared_ptr
// keeps the client's memory valid for a Term that outlives its session (it then sees Closed).
class ZkClientProvider {
 public:
  virtual ~ZkClientProvider() = default;
  virtual std::shared_ptr<ZkClient> client() = 0;
};

// The client behind a session made by ZkSession::open. Throws std::invalid_argument for a
// ZkSession implementation that is not a ZkClientProvider.
std::shared_ptr<ZkClient> client_of(ZkSession& session);

}  // namespace scale::cluster
