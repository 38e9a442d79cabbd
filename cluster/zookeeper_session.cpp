#include "cluster/zookeeper_session.h"

#include <stdexcept>

namespace scale::cluster {

ZooKeeperSession::ZooKeeperSession(const std::string& connect_string,
                                   std::chrono::milliseconds session_timeout,
                                   const Credentials* resume, const std::optional<ZkAuth>& auth)
    : handle_(std::make_shared<ZkHandle>(connect_string, session_timeout, auth)) {
  handle_->open(resume);
}

ZooKeeperSession::~ZooKeeperSession() {
  // Close first so the registered callbacks still hear Closed.
  handle_->close();
  std::lock_guard lock(callbacks_mutex_);
  callbacks_.clear();
}

SessionState ZooKeeperSession::state() const {
  return handle_->state();
}

bool ZooKeeperSession::wait_connected(std::chrono::milliseconds timeout) {
  return handle_->wait_connected(timeout);
}

std::chrono::milliseconds ZooKeeperSession::session_timeout() const {
  return handle_->session_timeout();
}

long long ZooKeeperSession::session_id() const {
  return handle_->session_id();
}

void ZooKeeperSession::on_state_change(std::function<void(SessionState)> callback) {
  Subscription subscription = handle_->subscribe(std::move(callback));
  std::lock_guard lock(callbacks_mutex_);
  callbacks_.push_back(std::move(subscription));
}

std::shared_ptr<ZkClient> ZooKeeperSession::client() {
  return handle_;
}

ZooKeeperSession::Credentials ZooKeeperSession::credentials() const {
  return handle_->credentials();
}

}  // namespace scale::cluster
