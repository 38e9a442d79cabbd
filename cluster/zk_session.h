#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/zk_auth.h"

namespace scale::cluster {

// What a ZooKeeper session looks like to its owner.
//   Connecting: no session established yet.
//   Connected: session established and the connection is up.
//   Suspended: connection lost, the session may still be alive on the ensemble.
//   Expired:   the ensemble has expired the session (ephemeral nodes are gone). Terminal.
//   Closed:    closed by the owner. Terminal.
enum class SessionState { Connecting, Connected, Suspended, Expired, Closed };
const char* to_string(SessionState state);

// RAII wrapper over one zhandle_t (ZooKeeper C client, multi-threaded flavour).
// Implementation and the exact operations are cluster/'s business; callers outside cluster/ use
// only what is declared here plus the election / detector functions.
class ZkSession {
 public:
  // connect_string: "host:port,host:port[/chroot]". Does not block for the connection;
  // use wait_connected(). Throws std::runtime_error when the ZooKeeper client refuses the
  // string (empty, malformed, host not resolvable). With `auth` (--zk_auth_file), the session
  // authenticates with that digest credential (also after every reconnect) and the election
  // nodes it creates are writable only by that identity (READ stays open to anyone).
  static std::unique_ptr<ZkSession> open(const std::string& connect_string,
                                         std::chrono::milliseconds session_timeout,
                                         const std::optional<ZkAuth>& auth = std::nullopt);
  virtual ~ZkSession() = default;

  virtual SessionState state() const = 0;
  virtual bool wait_connected(std::chrono::milliseconds timeout) = 0;
  // Negotiated session timeout (the server clamps to [2, 20] x tickTime).
  virtual std::chrono::milliseconds session_timeout() const = 0;
  virtual long long session_id() const = 0;
  // Called on every state change, from the ZooKeeper client thread. Keep it short.
  // It hears Closed from the destructor and must stay valid until then (there is no
  // unsubscribe). Never destroy the session or call ZooKeeper operations from it.
  virtual void on_state_change(std::function<void(SessionState)> callback) = 0;
};

}  // namespace scale::cluster
