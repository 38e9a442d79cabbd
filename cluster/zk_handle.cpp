#include "cluster/zk_handle.h"

#include <glog/logging.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "cluster/zk_client_log.h"

namespace scale::cluster {
namespace {

constexpr int kMaxNodeData = 64 * 1024;  // election data is < 1 KiB; anything larger is foreign
constexpr int kSequenceSuffixRoom = 32;  // ZooKeeper appends a 10-digit counter

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

}  // namespace

ZkHandle::ZkHandle(std::string connect_string, std::chrono::milliseconds session_timeout,
                   std::optional<ZkAuth> auth)
    : connect_string_(std::move(connect_string)),
      requested_timeout_(session_timeout),
      auth_(std::move(auth)),
      negotiated_timeout_(session_timeout) {
  if (!auth_) return;
  digest_id_ = digest_acl_id(*auth_);
  // READ for anyone: operators and monitoring (and every replica's leader view) list the
  // candidates without the credential; only its holders may join, leave or change anything.
  acl_entries_ = {ACL{ZOO_PERM_ALL, Id{digest_scheme_.data(), digest_id_.data()}},
                  ACL{ZOO_PERM_READ, Id{world_scheme_.data(), anyone_id_.data()}}};
}

ZkHandle::~ZkHandle() {
  close();
}

void ZkHandle::open(const Credentials* resume) {
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
  zhandle_t* zh = zookeeper_init2(
      connect_string_.c_str(), &ZkHandle::on_event, static_cast<int>(requested_timeout_.count()),
      resume != nullptr ? &id : nullptr, this, 0, &zookeeper_client_log_line);
  if (zh == nullptr) {
    const int error = errno;
    throw std::runtime_error("zookeeper: cannot create a client for '" + connect_string_ +
                             "' (malformed, or a host does not resolve): " + std::strerror(error));
  }
  if (auth_) {
    // Registered once per handle, before the first connection: the C client keeps it and sends
    // it ahead of any other request on the connect and on every reconnect, so no request of this
    // session ever runs unauthenticated. A new session is a new handle, which registers again.
    const std::string credential = auth_->user + ":" + auth_->password;
    const int rc =
        zoo_add_auth(zh, "digest", credential.data(), static_cast<int>(credential.size()),
                     &ZkHandle::on_auth_reply, this);
    if (rc != ZOK) {
      zookeeper_close(zh);
      throw std::runtime_error(std::string("zookeeper: cannot register the digest credential: ") +
                               zerror(rc));
    }
  }
  std::unique_lock lock(handle_mutex_);
  zh_ = zh;
}

void ZkHandle::on_auth_reply(int rc, const void* context) {
  // Digest credentials are accepted by any server; a refusal means a server-side auth setup
  // (e.g. a required SASL login) this replica does not speak. The session then ends as Expired.
  if (rc != ZOK) {
    LOG(ERROR) << "zookeeper: the server refused the digest credential (" << zerror(rc) << ")";
  }
  (void)context;
}

ACL_vector ZkHandle::create_acl() {
  if (!auth_) return ZOO_OPEN_ACL_UNSAFE;
  return ACL_vector{static_cast<int32_t>(acl_entries_.size()), acl_entries_.data()};
}

void ZkHandle::close() {
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
  std::lock_guard lock(watches_mutex_);
  watches_.clear();
}

bool ZkHandle::wait_connected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_mutex_);
  state_changed_.wait_for(lock, timeout,
                          [&] { return state_ == SessionState::Connected || terminal(state_); });
  return state_ == SessionState::Connected;
}

ZkHandle::Credentials ZkHandle::credentials() const {
  std::lock_guard lock(state_mutex_);
  return credentials_;
}

SessionState ZkHandle::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

long long ZkHandle::session_id() const {
  std::lock_guard lock(state_mutex_);
  return credentials_.session_id;
}

std::chrono::milliseconds ZkHandle::session_timeout() const {
  std::lock_guard lock(state_mutex_);
  return negotiated_timeout_;
}

Subscription ZkHandle::subscribe(StateCallback callback) {
  const uint64_t id = next_id_++;
  {
    std::lock_guard lock(subscribers_mutex_);
    subscribers_.emplace(id, std::move(callback));
  }
  return Subscription([weak = weak_from_this(), id] {
    if (auto self = weak.lock()) {
      std::lock_guard lock(self->subscribers_mutex_);
      self->subscribers_.erase(id);
    }
  });
}

void ZkHandle::on_event(zhandle_t* zh, int type, int state, const char* path, void* context) {
  auto* self = static_cast<ZkHandle*>(context);
  if (type == ZOO_SESSION_EVENT) {
    self->on_session_event(zh, state);
  } else if (path != nullptr && type != ZOO_NOTWATCHING_EVENT) {
    self->on_node_event(type, path);
  }
}

void ZkHandle::on_session_event(zhandle_t* zh, int zk_state) {
  if (zk_state == ZOO_CONNECTED_STATE) {
    const clientid_t* id = zoo_client_id(zh);
    std::lock_guard lock(state_mutex_);
    credentials_.session_id = id->client_id;
    credentials_.password.assign(id->passwd, sizeof id->passwd);
    negotiated_timeout_ = std::chrono::milliseconds(zoo_recv_timeout(zh));
  }
  if (zk_state == ZOO_CONNECTED_STATE) {
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

void ZkHandle::transition(SessionState next) {
  {
    // Held across the change and its notification, so a concurrent subscribe() either hears
    // this change or subscribes after it (and reads the new state) — never both.
    std::lock_guard dispatch(subscribers_mutex_);
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
    for (auto& [subscriber, callback] : subscribers_) callback(next);
  }
  // After the callbacks: whoever wait_connected() wakes finds every subscriber informed.
  state_changed_.notify_all();
  if (terminal(next)) {
    // Watches die with the session; nothing will fire them any more.
    std::lock_guard lock(watches_mutex_);
    watches_.clear();
  }
}

void ZkHandle::on_node_event(int type, const std::string& path) {
  NodeEvent event = NodeEvent::DataChanged;
  if (type == ZOO_CREATED_EVENT) event = NodeEvent::Created;
  if (type == ZOO_DELETED_EVENT) event = NodeEvent::Deleted;
  if (type == ZOO_CHILD_EVENT) event = NodeEvent::ChildrenChanged;
  // Watches are one-shot: take every registration of this path, then run them under the lock so
  // that a concurrent cancel waits for a running callback.
  std::lock_guard lock(watches_mutex_);
  auto [first, last] = watches_.equal_range(path);
  std::vector<WatchCallback> fired;
  for (auto it = first; it != last; ++it) fired.push_back(std::move(it->second.second));
  watches_.erase(first, last);
  for (auto& callback : fired) callback(event);
}

uint64_t ZkHandle::add_watch(const std::string& path, WatchCallback callback) {
  const uint64_t id = next_id_++;
  std::lock_guard lock(watches_mutex_);
  watches_.emplace(path, std::make_pair(id, std::move(callback)));
  return id;
}

void ZkHandle::remove_watch(const std::string& path, uint64_t id) {
  std::lock_guard lock(watches_mutex_);
  auto [first, last] = watches_.equal_range(path);
  for (auto it = first; it != last; ++it) {
    if (it->second.first == id) {
      watches_.erase(it);
      return;
    }
  }
}

template <typename Op>
ZkError ZkHandle::call(Op&& op) {
  if (closing_) return ZkError::Closed;
  std::shared_lock lock(handle_mutex_);
  if (zh_ == nullptr) return ZkError::Closed;
  return from_zk_code(op(zh_));
}

ZkError ZkHandle::create(const std::string& path, const std::string& data, CreateMode mode,
                         std::string* created_path) {
  std::vector<char> buffer(path.size() + kSequenceSuffixRoom, '\0');
  const int flags =
      mode == CreateMode::EphemeralSequential ? ZOO_EPHEMERAL_SEQUENTIAL : ZOO_PERSISTENT;
  const ACL_vector acl = create_acl();
  const ZkError error = call([&](zhandle_t* zh) {
    return zoo_create(zh, path.c_str(), data.data(), static_cast<int>(data.size()), &acl, flags,
                      buffer.data(), static_cast<int>(buffer.size()));
  });
  if (error == ZkError::Ok && created_path != nullptr) *created_path = buffer.data();
  return error;
}

ZkError ZkHandle::remove(const std::string& path) {
  return call([&](zhandle_t* zh) { return zoo_delete(zh, path.c_str(), -1); });
}

ZkError ZkHandle::get_children(const std::string& path, std::vector<std::string>* children) {
  String_vector names{};
  const ZkError error =
      call([&](zhandle_t* zh) { return zoo_get_children(zh, path.c_str(), 0, &names); });
  if (error == ZkError::Ok && children != nullptr) {
    children->assign(names.data, names.data + names.count);
  }
  deallocate_String_vector(&names);
  return error;
}

ZkError ZkHandle::get(const std::string& path, std::string* data, ZkStat* stat) {
  std::vector<char> buffer(kMaxNodeData);
  int length = kMaxNodeData;
  Stat zk_stat{};
  const ZkError error = call([&](zhandle_t* zh) {
    return zoo_get(zh, path.c_str(), 0, buffer.data(), &length, &zk_stat);
  });
  if (error != ZkError::Ok) return error;
  if (data != nullptr) data->assign(buffer.data(), std::max(length, 0));
  if (stat != nullptr) *stat = ZkStat{zk_stat.czxid, zk_stat.ephemeralOwner};
  return error;
}

ZkError ZkHandle::exists(const std::string& path, ZkStat* stat, WatchCallback watch,
                         Subscription* watch_subscription) {
  // Registered before the request so that an event racing with the reply is not lost.
  const uint64_t id = watch ? add_watch(path, std::move(watch)) : 0;
  Stat zk_stat{};
  const ZkError error =
      call([&](zhandle_t* zh) { return zoo_exists(zh, path.c_str(), id != 0 ? 1 : 0, &zk_stat); });
  if (error == ZkError::Ok && stat != nullptr) {
    *stat = ZkStat{zk_stat.czxid, zk_stat.ephemeralOwner};
  }
  if (id == 0) return error;
  if (error != ZkError::Ok && error != ZkError::NoNode) {
    remove_watch(path, id);
  } else if (watch_subscription != nullptr) {
    *watch_subscription = Subscription([weak = weak_from_this(), path, id] {
      if (auto self = weak.lock()) self->remove_watch(path, id);
    });
  }
  return error;
}

ZkError ZkHandle::restrict_acl(const std::string& path, bool* changed) {
  if (changed != nullptr) *changed = false;
  if (!auth_) return ZkError::Ok;
  ACL_vector current{};
  Stat stat{};
  ZkError error =
      call([&](zhandle_t* zh) { return zoo_get_acl(zh, path.c_str(), &current, &stat); });
  bool open_to_world = false;
  for (int32_t i = 0; error == ZkError::Ok && i < current.count; ++i) {
    const ACL& entry = current.data[i];
    open_to_world = open_to_world || (std::strcmp(entry.id.scheme, "world") == 0 &&
                                      std::strcmp(entry.id.id, "anyone") == 0 &&
                                      (entry.perms & ~ZOO_PERM_READ) != 0);
  }
  deallocate_ACL_vector(&current);
  if (error != ZkError::Ok || !open_to_world) return error;
  // The ACL version makes a concurrent change by someone else fail instead of being overwritten.
  const ACL_vector wanted = create_acl();
  error =
      call([&](zhandle_t* zh) { return zoo_set_acl(zh, path.c_str(), stat.aversion, &wanted); });
  if (error == ZkError::Ok && changed != nullptr) *changed = true;
  return error;
}

}  // namespace scale::cluster
