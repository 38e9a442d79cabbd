#pragma once

// The ZkSession that ZkSession::open returns: RAII owner of one ZooKeeper C client session.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/zk_client.h"
#include "cluster/zk_handle.h"
#include "cluster/zk_session.h"

namespace scale::cluster {

// Lifetime: the destructor closes the session (the server deletes its ephemeral nodes at once)
// and joins the C client's threads, so no callback runs after it returns; on_state_change
// callbacks see Closed first. Never destroy a session from one of its own callbacks.
// Terms made from this session keep its internals alive and end with Closed when it goes.
class ZooKeeperSession final : public ZkSession, public ZkClientProvider {
 public:
  using Credentials = ZkHandle::Credentials;

  // With `resume`, attaches to an existing session instead of creating one (tests use this to
  // force an expiry: attach, wait connected, destroy). With `auth`, see ZkSession::open.
  // Throws std::runtime_error when the C client cannot be created.
  ZooKeeperSession(const std::string& connect_string, std::chrono::milliseconds session_timeout,
                   const Credentials* resume = nullptr,
                   const std::optional<ZkAuth>& auth = std::nullopt);
  ~ZooKeeperSession() override;

  SessionState state() const override;
  bool wait_connected(std::chrono::milliseconds timeout) override;
  std::chrono::milliseconds session_timeout() const override;
  long long session_id() const override;
  void on_state_change(std::function<void(SessionState)> callback) override;

  std::shared_ptr<ZkClient> client() override;

  // Test hook: id and password of the established session (valid once connected).
  Credentials credentials() const;

 private:
  std::shared_ptr<ZkHandle> handle_;
  std::mutex callbacks_mutex_;
  std::vector<Subscription> callbacks_;
};

}  // namespace scale::cluster
