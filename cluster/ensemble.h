#pragma once

// One ZooKeeper ensemble as this process sees it: its current session, replaced by a new one
// once that has expired. Every group of the process on that ensemble works on this one session,
// so a replica holds one connection to it however many groups and detectors it runs.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cluster/session.h"
#include "cluster/zk_auth.h"

namespace scale::cluster {

class Ensemble {
 public:
  // Opens a new session; throws std::runtime_error when the client refuses (see Session::open).
  using Opener = std::function<std::shared_ptr<Session>()>;

  explicit Ensemble(Opener open);
  // Closes the current session.
  ~Ensemble();
  Ensemble(const Ensemble&) = delete;
  Ensemble& operator=(const Ensemble&) = delete;

  // This process's Ensemble for `connect_string`: the live one an earlier call made for the same
  // servers (in any order) and chroot, or a new one over Session::open. Process-wide because the
  // code that meets a zk:// URL (the Mesos client) has nothing else in common with the replica
  // that opened the session. A call with a credential does not reuse an Ensemble opened without
  // it (its nodes would lack the ACL); one without a credential reuses either. The first call's
  // session timeout holds.
  static std::shared_ptr<Ensemble> shared(const std::string& connect_string,
                                          std::chrono::milliseconds session_timeout,
                                          const std::optional<ZkAuth>& auth = std::nullopt);

  // The current session; a new one once the current has expired. nullptr after close(), or when
  // the client refuses to open one (a host that does not resolve right now; see last_error()).
  std::shared_ptr<Session> session();
  // Closes the current session for good (every group on it sees Closed); session() answers
  // nullptr from now on.
  void close();
  bool closed() const;
  // Why the last attempt to open a session failed; empty when it did not.
  std::string last_error() const;

 private:
  const Opener open_;
  mutable std::mutex mutex_;
  std::shared_ptr<Session> current_;
  bool closed_ = false;
  std::string last_error_;
};

}  // namespace scale::cluster
