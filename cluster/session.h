#pragma once

// One ZooKeeper session: the only way anything in cluster/ talks to ZooKeeper. The real one is
// ZooKeeperSession (the C client); unit tests run the same logic over an in-process fake.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/subscription.h"
#include "cluster/zk_auth.h"

namespace scale::cluster {

// What a ZooKeeper session looks like to its users.
//   Connecting: no session established yet.
//   Connected: session established and the connection is up.
//   Suspended: connection lost, the session may still be alive on the ensemble.
//   Expired:   the ensemble has expired the session (ephemeral nodes are gone). Terminal.
//   Closed:    closed by its owner. Terminal.
enum class SessionState { Connecting, Connected, Suspended, Expired, Closed };
const char* to_string(SessionState state);

// Outcome of one operation, reduced to what callers decide on.
//   ConnectionLoss: the request may or may not have been applied (session maybe alive).
//   SessionExpired: the session is gone for good (also: auth failed, session moved).
//   Closed: the session was closed by its owner.
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

// The part of a znode's Stat that membership and terms use.
struct ZkStat {
  long long czxid = 0;
  long long ephemeral_owner = 0;
  long long mtime_ms = 0;  // last change of the node's data, ms since the epoch (server's clock)
};

enum class NodeEvent { Created, Deleted, DataChanged, ChildrenChanged };

enum class CreateMode { Persistent, EphemeralSequential };

// Thread-safe. Operations are synchronous and block for one round trip (bounded by the session
// timeout when the connection is lost). Callbacks run on the client's event thread: they must be
// short and must not call operations of the session (that would stall event delivery).
class Session {
 public:
  using StateCallback = std::function<void(SessionState)>;
  using WatchCallback = std::function<void(NodeEvent)>;

  // A ZooKeeperSession. connect_string: "host:port,host:port[/chroot]". Does not block for the
  // connection (see wait_connected). Throws std::runtime_error when the ZooKeeper client refuses
  // the string (empty, malformed, host not resolvable). With `auth` (--zk_auth_file) the session
  // authenticates with that digest credential (also after every reconnect) and the nodes it
  // creates are writable only by that identity (READ stays open to anyone).
  static std::shared_ptr<Session> open(const std::string& connect_string,
                                       std::chrono::milliseconds session_timeout,
                                       const std::optional<ZkAuth>& auth = std::nullopt);
  virtual ~Session() = default;

  virtual SessionState state() const = 0;
  // True once Connected; false after the timeout or when the session is over.
  virtual bool wait_connected(std::chrono::milliseconds timeout) = 0;
  virtual long long session_id() const = 0;
  // Negotiated session timeout (the server clamps it to [2, 20] x tickTime).
  virtual std::chrono::milliseconds session_timeout() const = 0;
  // Called on every state change until the subscription is cancelled, the last one Closed.
  virtual Subscription subscribe(StateCallback callback) = 0;
  // Ends the session: the ensemble deletes its ephemeral nodes at once and every user sees
  // Closed. Idempotent; never from a callback of this session.
  virtual void close() = 0;

  // created_path receives the actual name (with the sequence suffix) on success.
  virtual ZkError create(const std::string& path, const std::string& data, CreateMode mode,
                         std::string* created_path) = 0;
  virtual ZkError remove(const std::string& path) = 0;
  // With a watch callback, sets a one-shot child watch (it also fires when `path` is deleted) and
  // stores its registration in *watch_subscription; registered only when the result is Ok.
  virtual ZkError get_children(const std::string& path, std::vector<std::string>* children,
                               WatchCallback watch = nullptr,
                               Subscription* watch_subscription = nullptr) = 0;
  virtual ZkError get(const std::string& path, std::string* data, ZkStat* stat) = 0;
  // Writes the node's data (any version); stat, when given, receives the node after the write.
  // Fires data watches only: a child watch on the parent does not hear of it.
  virtual ZkError set(const std::string& path, const std::string& data, ZkStat* stat) = 0;
  // stat may be null. With a watch callback, sets a one-shot watch (also when the node does not
  // exist: it then fires on Created) and stores its registration in *watch_subscription; the
  // watch is registered only when the result is Ok or NoNode.
  virtual ZkError exists(const std::string& path, ZkStat* stat, WatchCallback watch = nullptr,
                         Subscription* watch_subscription = nullptr) = 0;
  // Only for a session with a digest credential (see zk_auth.h), a no-op returning Ok otherwise:
  // when `path`'s ACL lets a client without the credential change it (the node predates the
  // credential), replaces it by the ACL this session gives the nodes it creates; *changed tells.
  virtual ZkError restrict_acl(const std::string& path, bool* changed) {
    (void)path;
    if (changed != nullptr) *changed = false;
    return ZkError::Ok;
  }
};

}  // namespace scale::cluster
