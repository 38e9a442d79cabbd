#include "cluster/zookeeper_session.h"

#include <glog/logging.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "cluster/zookeeper_log.h"

namespace scale::cluster {
namespace {

constexpr int kMaxNodeData = 64 * 1024;  // our nodes hold < 1 KiB; anything larger is foreign
constexpr int kSequenceSuffixRoom = 32;  // ZooKeeper appends a 10-digit counter

ZkStat to_zk_stat(const Stat& stat) {
  return ZkStat{stat.czxid, stat.ephemeralOwner, stat.mtime};
}

ZkError from_zk_code(int rc) {
  switch (rc) {
    case ZOK:
      return ZkError::Ok;
    case ZNONODE:
      return ZkError::NoNode;
    case ZNODEEXISTS:
      return ZkError::NodeExists;
    case ZNOTEMPTY:
      return ZkError::NotEmpty;
    case ZNOAUTH:
      return ZkError::NoAuth;
    case ZCONNECTIONLOSS:
    case ZOPERATIONTIMEOUT:
      return ZkError::ConnectionLoss;
    case ZSESSIONEXPIRED:
    case ZSESSIONMOVED:
    case ZINVALIDSTATE:  // the C client's answer once the session is expired or auth failed
    case ZAUTHFAILED:
      return ZkError::SessionExpired;
    case ZCLOSING:
      return ZkError::Closed;
    default:
      return ZkError::Other;
  }
}

bool terminal(SessionState state) {
  return state == SessionState::Expired || state == SessionState::Closed;
}

std::string hex_id(long long id) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(id));
  return buffer;
}

void log_transition(SessionState previous, SessionState next, long long session_id,
                    std::chrono::milliseconds timeout) {
  const std::string id = hex_id(session_id);
  switch (next) {
    case SessionState::Connected:
      LOG(INFO) << "zookeeper: session " << id
                << (previous == SessionState::Suspended ? " reconnected" : " connected")
                << " (timeout " << timeout.count() << " ms)";
      break;
    case SessionState::Suspended:
      LOG(WARNING) << "zookeeper: connection lost, session " << id << " suspended";
      break;
    case SessionState::Expired:
      LOG(WARNING) << "zookeeper: session " << id << " expired";
      break;
    case SessionState::Closed:
      LOG(INFO) << "zookeeper: session " << id << " closed";
      break;
    case SessionState::Connecting:
      break;
  }
}

NodeEvent node_event(int type) {
  if (type == ZOO_CREATED_EVENT) return NodeEvent::Created;
  if (type == ZOO_DELETED_EVENT) return NodeEvent::Deleted;
  if (type == ZOO_CHILD_EVENT) return NodeEvent::ChildrenChanged;
  return NodeEvent::DataChanged;
}

}  // namespace

std::shared_ptr<ZooKeeperSession> ZooKeeperSession::open(const std::string& connect_string,
                                                         std::chrono::milliseconds session_timeout,
                                                         const std::optional<ZkAuth>& auth,
                                                         const Credentials* resume) {
  auto session = std::make_shared<ZooKeeperSession>(Key{}, connect_string, session_timeout, auth);
  session->start(resume);
  return session;
}

ZooKeeperSession::ZooKeeperSession(Key, std::string connect_string,
                                   std::chrono::milliseconds session_timeout,
                                   const std::optional<ZkAuth>& auth)
    : connect_string_(std::move(connect_string)),
      requested_timeout_(session_timeout),
      auth_(auth),
      acl_(auth),
      negotiated_timeout_(session_timeout) {}

ZooKeeperSession::~ZooKeeperSession() {
  close();
}

void ZooKeeperSession::start(const Credentials* resume) {
  configure_zookeeper_client_logging();
  clientid_t id{};
  if (resume != nullptr) {
    id.client_id = resume->session_id;
    std::lock_guard lock(state_mutex_);
    credentials_ = *resume;  // so that logs name the session before it is confirmed
    std::memcpy(id.passwd, resume->password.data(),
                std::min(resume->password.size(), sizeof id.passwd));
  }
  // `this` is the watcher context: close() joins the C client's threads before the object can
  // go away, so the context outlives every callback.
  zhandle_t* zh =
      zookeeper_init2(connect_string_.c_str(), &ZooKeeperSession::on_event,
                      static_cast<int>(requested_timeout_.count()),
                      resume != nullptr ? &id : nullptr, this, 0, &zookeeper_client_log_line);
  if (zh == nullptr) {
    const int error = errno;
    throw std::runtime_error("zookeeper: cannot create a client for '" + connect_string_ +
                             "' (malformed, or a host does not resolve): " + std::strerror(error));
  }
  if (auth_) add_credential(zh);
  std::unique_lock lock(handle_mutex_);
  zh_ = zh;
}

void ZooKeeperSession::add_credential(zhandle_t* zh) {
  // Registered once per handle, before the first connection: the C client keeps it and sends it
  // ahead of any other request on the connect and on every reconnect, so no request of this
  // session ever runs unauthenticated. A new session is a new handle, which registers again.
  const std::string credential = auth_->user + ":" + auth_->password;
  const int rc = zoo_add_auth(zh, "digest", credential.data(), static_cast<int>(credential.size()),
                              &ZooKeeperSession::on_auth_reply, this);
  if (rc != ZOK) {
    zookeeper_close(zh);
    throw std::runtime_error(std::string("zookeeper: cannot register the digest credential: ") +
                             zerror(rc));
  }
}

void ZooKeeperSession::on_auth_reply(int rc, const void* context) {
  // Digest credentials are accepted by any server; a refusal means a server-side auth setup
  // (e.g. a required SASL login) this replica does not speak. The session then ends as Expired.
  if (rc != ZOK) {
    LOG(ERROR) << "zookeeper: the server refused the digest credential (" << zerror(rc) << ")";
  }
  (void)context;
}

void ZooKeeperSession::close() {
  closing_ = true;
  zhandle_t* zh = nullptr;
  {
    // Waits for running operations; later ones see closing_ and never touch the handle.
    std::unique_lock lock(handle_mutex_);
    zh = std::exchange(zh_, nullptr);
  }
  if (zh != nullptr) {
    // Flushes, closes the session on the server and joins the C client's threads.
    const int rc = zookeeper_close(zh);
    VLOG_IF(1, rc != ZOK) << "zookeeper: zookeeper_close returned " << zerror(rc);
  }
  transition(SessionState::Closed);
  watches_.clear();
}

bool ZooKeeperSession::wait_connected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_mutex_);
  state_changed_.wait_for(lock, timeout,
                          [&] { return state_ == SessionState::Connected || terminal(state_); });
  return state_ == SessionState::Connected;
}

ZooKeeperSession::Credentials ZooKeeperSession::credentials() const {
  std::lock_guard lock(state_mutex_);
  return credentials_;
}

SessionState ZooKeeperSession::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

long long ZooKeeperSession::session_id() const {
  std::lock_guard lock(state_mutex_);
  return credentials_.session_id;
}

std::chrono::milliseconds ZooKeeperSession::session_timeout() const {
  std::lock_guard lock(state_mutex_);
  return negotiated_timeout_;
}

Subscription ZooKeeperSession::subscribe(StateCallback callback) {
  return subscribers_.add(std::move(callback));
}

void ZooKeeperSession::on_event(zhandle_t* zh, int type, int state, const char* path,
                                void* context) {
  auto* self = static_cast<ZooKeeperSession*>(context);
  if (type == ZOO_SESSION_EVENT) {
    self->on_session_event(zh, state);
  } else if (path != nullptr && type != ZOO_NOTWATCHING_EVENT) {
    self->watches_.fire(path, node_event(type));
  }
}

void ZooKeeperSession::on_session_event(zhandle_t* zh, int zk_state) {
  if (zk_state == ZOO_CONNECTED_STATE) {
    const clientid_t* id = zoo_client_id(zh);
    {
      std::lock_guard lock(state_mutex_);
      credentials_.session_id = id->client_id;
      credentials_.password.assign(id->passwd, sizeof id->passwd);
      negotiated_timeout_ = std::chrono::milliseconds(zoo_recv_timeout(zh));
    }
    transition(SessionState::Connected);
  } else if (zk_state == ZOO_EXPIRED_SESSION_STATE) {
    transition(SessionState::Expired);
  } else if (zk_state == ZOO_AUTH_FAILED_STATE) {
    LOG(ERROR) << "zookeeper: authentication failed; treating the session as expired";
    transition(SessionState::Expired);
  } else {
    // Connecting, associating or not connected: the session may still be alive on the ensemble.
    transition(SessionState::Suspended);
  }
}

void ZooKeeperSession::transition(SessionState next) {
  {
    auto dispatch = subscribers_.lock();
    SessionState previous;
    long long id;
    std::chrono::milliseconds timeout;
    {
      std::lock_guard lock(state_mutex_);
      previous = state_;
      if (terminal(previous) || previous == next) return;
      // A connection that never came up is still Connecting, not Suspended.
      if (next == SessionState::Suspended && previous == SessionState::Connecting) return;
      state_ = next;
      id = credentials_.session_id;
      timeout = negotiated_timeout_;
    }
    log_transition(previous, next, id, timeout);
    subscribers_.notify_locked(next);
  }
  // After the callbacks: whoever wait_connected() wakes finds every subscriber informed.
  state_changed_.notify_all();
  // Watches die with the session; nothing will fire them any more.
  if (terminal(next)) watches_.clear();
}

uint64_t ZooKeeperSession::watch(const std::string& path, WatchKind kind, WatchCallback callback) {
  return callback ? watches_.add(path, kind, std::move(callback)) : 0;
}

void ZooKeeperSession::keep_watch(uint64_t id, bool kept, Subscription* subscription) {
  if (id == 0) return;
  if (!kept) {
    watches_.remove(id);
  } else if (subscription != nullptr) {
    *subscription = Subscription([weak = weak_from_this(), id] {
      if (auto self = weak.lock()) self->watches_.remove(id);
    });
  }
}

template <typename Op>
ZkError ZooKeeperSession::call(Op&& op) {
  if (closing_) return ZkError::Closed;
  std::shared_lock lock(handle_mutex_);
  if (zh_ == nullptr) return ZkError::Closed;
  return from_zk_code(op(zh_));
}

ZkError ZooKeeperSession::create(const std::string& path, const std::string& data, CreateMode mode,
                                 std::string* created_path) {
  std::vector<char> buffer(path.size() + kSequenceSuffixRoom, '\0');
  const int flags =
      mode == CreateMode::EphemeralSequential ? ZOO_EPHEMERAL_SEQUENTIAL : ZOO_PERSISTENT;
  const ACL_vector acl = acl_.entries();
  const ZkError error = call([&](zhandle_t* zh) {
    return zoo_create(zh, path.c_str(), data.data(), static_cast<int>(data.size()), &acl, flags,
                      buffer.data(), static_cast<int>(buffer.size()));
  });
  if (error == ZkError::Ok && created_path != nullptr) *created_path = buffer.data();
  return error;
}

ZkError ZooKeeperSession::remove(const std::string& path) {
  return call([&](zhandle_t* zh) { return zoo_delete(zh, path.c_str(), -1); });
}

ZkError ZooKeeperSession::get_children(const std::string& path, std::vector<std::string>* children,
                                       WatchCallback watch_callback,
                                       Subscription* watch_subscription) {
  const uint64_t id = watch(path, WatchKind::Children, std::move(watch_callback));
  String_vector names{};
  const ZkError error = call(
      [&](zhandle_t* zh) { return zoo_get_children(zh, path.c_str(), id != 0 ? 1 : 0, &names); });
  if (error == ZkError::Ok && children != nullptr) {
    children->assign(names.data, names.data + names.count);
  }
  deallocate_String_vector(&names);
  keep_watch(id, error == ZkError::Ok, watch_subscription);
  return error;
}

ZkError ZooKeeperSession::get(const std::string& path, std::string* data, ZkStat* stat) {
  std::vector<char> buffer(kMaxNodeData);
  int length = kMaxNodeData;
  Stat zk_stat{};
  const ZkError error = call([&](zhandle_t* zh) {
    return zoo_get(zh, path.c_str(), 0, buffer.data(), &length, &zk_stat);
  });
  if (error != ZkError::Ok) return error;
  if (data != nullptr) data->assign(buffer.data(), std::max(length, 0));
  if (stat != nullptr) *stat = to_zk_stat(zk_stat);
  return error;
}

ZkError ZooKeeperSession::set(const std::string& path, const std::string& data, ZkStat* stat) {
  Stat zk_stat{};
  const ZkError error = call([&](zhandle_t* zh) {
    return zoo_set2(zh, path.c_str(), data.data(), static_cast<int>(data.size()), -1, &zk_stat);
  });
  if (error == ZkError::Ok && stat != nullptr) *stat = to_zk_stat(zk_stat);
  return error;
}

ZkError ZooKeeperSession::exists(const std::string& path, ZkStat* stat,
                                 WatchCallback watch_callback, Subscription* watch_subscription) {
  const uint64_t id = watch(path, WatchKind::Node, std::move(watch_callback));
  Stat zk_stat{};
  const ZkError error =
      call([&](zhandle_t* zh) { return zoo_exists(zh, path.c_str(), id != 0 ? 1 : 0, &zk_stat); });
  if (error == ZkError::Ok && stat != nullptr) {
    *stat = to_zk_stat(zk_stat);
  }
  keep_watch(id, error == ZkError::Ok || error == ZkError::NoNode, watch_subscription);
  return error;
}

ZkError ZooKeeperSession::restrict_acl(const std::string& path, bool* changed) {
  if (changed != nullptr) *changed = false;
  if (!acl_.restricted()) return ZkError::Ok;
  ACL_vector current{};
  Stat stat{};
  ZkError error =
      call([&](zhandle_t* zh) { return zoo_get_acl(zh, path.c_str(), &current, &stat); });
  const bool open = error == ZkError::Ok && NodeAcl::writable_by_anyone(current);
  deallocate_ACL_vector(&current);
  if (error != ZkError::Ok || !open) return error;
  // The ACL version makes a concurrent change by someone else fail instead of being overwritten.
  const ACL_vector wanted = acl_.entries();
  error =
      call([&](zhandle_t* zh) { return zoo_set_acl(zh, path.c_str(), stat.aversion, &wanted); });
  if (error == ZkError::Ok && changed != nullptr) *changed = true;
  return error;
}

}  // namespace scale::cluster
