#include "tests/unit/cluster/fake_zookeeper.h"

#include <cstdio>

namespace scale::cluster::testing {

std::string FakeZooKeeper::parent_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

ZkError FakeZooKeeper::create(long long session, const std::string& path, const std::string& data,
                              CreateMode mode, std::string* created) {
  std::string name = path;
  {
    std::lock_guard lock(mutex_);
    const std::string parent = parent_of(path);
    if (!nodes_.contains(parent)) return ZkError::NoNode;
    if (mode == CreateMode::EphemeralSequential) {
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, "%010d", next_sequence_[parent]++);
      name += suffix;
    }
    if (nodes_.contains(name)) return ZkError::NodeExists;
    const long long owner = mode == CreateMode::EphemeralSequential ? session : 0;
    const long long zxid = ++zxid_;
    nodes_[name] = Node{data, zxid, owner, zxid};
  }
  if (created != nullptr) *created = name;
  fire(name, NodeEvent::Created);
  return ZkError::Ok;
}

ZkError FakeZooKeeper::remove(const std::string& path) {
  {
    std::lock_guard lock(mutex_);
    if (!nodes_.contains(path)) return ZkError::NoNode;
    const std::string prefix = path + "/";
    auto next = nodes_.upper_bound(path);
    if (next != nodes_.end() && next->first.starts_with(prefix)) return ZkError::NotEmpty;
    nodes_.erase(path);
  }
  fire(path, NodeEvent::Deleted);
  return ZkError::Ok;
}

ZkError FakeZooKeeper::get_children(const std::string& path, std::vector<std::string>* out) {
  std::lock_guard lock(mutex_);
  if (!nodes_.contains(path)) return ZkError::NoNode;
  out->clear();
  const std::string prefix = path == "/" ? "/" : path + "/";
  for (const auto& [name, node] : nodes_) {
    if (name.size() > prefix.size() && name.starts_with(prefix) &&
        name.find('/', prefix.size()) == std::string::npos) {
      out->push_back(name.substr(prefix.size()));
    }
  }
  return ZkError::Ok;
}

ZkError FakeZooKeeper::get(const std::string& path, std::string* data, ZkStat* stat) {
  std::lock_guard lock(mutex_);
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return ZkError::NoNode;
  if (data != nullptr) *data = it->second.data;
  if (stat != nullptr) *stat = ZkStat{it->second.czxid, it->second.owner, it->second.mtime_ms};
  return ZkError::Ok;
}

ZkError FakeZooKeeper::set(const std::string& path, const std::string& data, ZkStat* stat) {
  {
    std::lock_guard lock(mutex_);
    auto it = nodes_.find(path);
    if (it == nodes_.end()) return ZkError::NoNode;
    it->second.data = data;
    it->second.mtime_ms = ++zxid_;
    if (stat != nullptr) *stat = ZkStat{it->second.czxid, it->second.owner, it->second.mtime_ms};
  }
  fire(path, NodeEvent::DataChanged);
  return ZkError::Ok;
}

ZkError FakeZooKeeper::exists(const std::string& path, ZkStat* stat) {
  return get(path, nullptr, stat);
}

uint64_t FakeZooKeeper::add_watch(const std::string& path, WatchKind kind,
                                  Session::WatchCallback callback) {
  return watches_.add(path, kind, std::move(callback));
}

void FakeZooKeeper::remove_watch(uint64_t id) {
  watches_.remove(id);
}

void FakeZooKeeper::fire(const std::string& path, NodeEvent event) {
  watches_.fire(path, event);
  if (event == NodeEvent::Created || event == NodeEvent::Deleted) {
    watches_.fire(parent_of(path), NodeEvent::ChildrenChanged);
  }
}

void FakeZooKeeper::end_session(long long session) {
  std::vector<std::string> removed;
  {
    std::lock_guard lock(mutex_);
    for (auto it = nodes_.begin(); it != nodes_.end();) {
      if (it->second.owner == session) {
        removed.push_back(it->first);
        it = nodes_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& path : removed) fire(path, NodeEvent::Deleted);
}

bool FakeZooKeeper::contains(const std::string& path) {
  std::lock_guard lock(mutex_);
  return nodes_.contains(path);
}

std::vector<std::string> FakeZooKeeper::children(const std::string& path) {
  std::vector<std::string> names;
  get_children(path, &names);
  return names;
}

void FakeZooKeeper::drop_watches(const std::string& path) {
  watches_.forget(path);
}

size_t FakeZooKeeper::watch_count(const std::string& path) {
  return watches_.count(path);
}

std::optional<FakeZooKeeper::Node> FakeZooKeeper::node(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return std::nullopt;
  return it->second;
}

// ---------------------------------------------------------------- FakeSession

FakeSession::FakeSession(std::shared_ptr<FakeZooKeeper> tree, long long session_id,
                         std::chrono::milliseconds timeout)
    : tree_(std::move(tree)), session_id_(session_id), timeout_(timeout) {}

void FakeSession::set_state(SessionState state) {
  {
    // As ZooKeeperSession: the change and its notification are one step for subscribe().
    auto dispatch = subscribers_.lock();
    {
      std::lock_guard lock(state_mutex_);
      if (state_ == state) return;
      state_ = state;
    }
    subscribers_.notify_locked(state);
  }
  // After the notification, as a real client hears of its expiry before (never) seeing its
  // ephemeral nodes go.
  if (state == SessionState::Expired || state == SessionState::Closed) {
    tree_->end_session(session_id_);
  }
}

int FakeSession::operation_count(const std::string& op) {
  std::lock_guard lock(state_mutex_);
  return operations_[op];
}

SessionState FakeSession::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

bool FakeSession::wait_connected(std::chrono::milliseconds timeout) {
  return eventually([&] { return state() == SessionState::Connected; }, timeout);
}

Subscription FakeSession::subscribe(StateCallback callback) {
  return subscribers_.add(std::move(callback));
}

std::optional<ZkError> FakeSession::precheck(const std::string& op, const std::string& path) {
  SessionState state;
  {
    std::lock_guard lock(state_mutex_);
    ++operations_[op];
    state = state_;
  }
  if (state == SessionState::Expired) return ZkError::SessionExpired;
  if (state == SessionState::Closed) return ZkError::Closed;
  if (state != SessionState::Connected) return ZkError::ConnectionLoss;
  if (before_op) return before_op(op, path);
  return std::nullopt;
}

ZkError FakeSession::create(const std::string& path, const std::string& data, CreateMode mode,
                            std::string* created_path) {
  if (auto error = precheck("create", path)) return *error;
  const long long owner = owner_override != 0 ? owner_override.load() : session_id_;
  const ZkError error = tree_->create(owner, path, data, mode, created_path);
  if (error == ZkError::Ok && mode == CreateMode::EphemeralSequential &&
      lose_create_replies.fetch_sub(1) > 0) {
    return ZkError::ConnectionLoss;
  }
  return error;
}

ZkError FakeSession::remove(const std::string& path) {
  if (auto error = precheck("remove", path)) return *error;
  return tree_->remove(path);
}

ZkError FakeSession::get_children(const std::string& path, std::vector<std::string>* children,
                                  WatchCallback watch, Subscription* watch_subscription) {
  if (auto error = precheck("get_children", path)) return *error;
  const uint64_t id = watch ? tree_->add_watch(path, WatchKind::Children, std::move(watch)) : 0;
  const ZkError error = tree_->get_children(path, children);
  if (id != 0 && error != ZkError::Ok) tree_->remove_watch(id);
  if (id != 0 && error == ZkError::Ok && watch_subscription != nullptr) {
    *watch_subscription = Subscription([tree = tree_, id] { tree->remove_watch(id); });
  }
  return error;
}

ZkError FakeSession::get(const std::string& path, std::string* data, ZkStat* stat) {
  if (auto error = precheck("get", path)) return *error;
  return tree_->get(path, data, stat);
}

ZkError FakeSession::set(const std::string& path, const std::string& data, ZkStat* stat) {
  if (auto error = precheck("set", path)) return *error;
  return tree_->set(path, data, stat);
}

ZkError FakeSession::exists(const std::string& path, ZkStat* stat, WatchCallback watch,
                            Subscription* watch_subscription) {
  if (auto error = precheck("exists", path)) return *error;
  const uint64_t id = watch ? tree_->add_watch(path, WatchKind::Node, std::move(watch)) : 0;
  const ZkError error = tree_->exists(path, stat);
  if (id != 0 && watch_subscription != nullptr) {
    *watch_subscription = Subscription([tree = tree_, id] { tree->remove_watch(id); });
  }
  return error;
}

std::shared_ptr<Ensemble> fake_ensemble(std::vector<std::shared_ptr<FakeSession>> sessions) {
  auto next = std::make_shared<size_t>(0);
  return std::make_shared<Ensemble>([sessions = std::move(sessions), next] {
    const size_t index = std::min(*next, sessions.size() - 1);
    ++*next;
    return std::static_pointer_cast<Session>(sessions[index]);
  });
}

}  // namespace scale::cluster::testing
