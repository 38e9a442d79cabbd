#include "cluster/group.h"

#include <glog/logging.h>

#include <algorithm>

#include "cluster/paths.h"

namespace scale::cluster {
namespace {

// The session, and every node it held, is gone.
bool session_over(GroupState state) {
  return state == GroupState::Expired || state == GroupState::Closed;
}

}  // namespace

const char* to_string(GroupState state) {
  switch (state) {
    case GroupState::Connecting:
      return "Connecting";
    case GroupState::Connected:
      return "Connected";
    case GroupState::Suspended:
      return "Suspended";
    case GroupState::TimedOut:
      return "TimedOut";
    case GroupState::Expired:
      return "Expired";
    case GroupState::Closed:
      return "Closed";
  }
  return "Unknown";
}

Group::Group(std::shared_ptr<Ensemble> ensemble, const std::string& path, MemberNames names,
             std::chrono::milliseconds refresh_interval)
    : ensemble_(std::move(ensemble)),
      path_(normalize_path(path)),
      names_(std::move(names)),
      refresh_interval_(refresh_interval) {
  adopt(ensemble_->session());
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

Group::~Group() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
  // Both wait for a running callback, which may take mutex_: neither is cancelled under it.
  session_subscription_.cancel();
  members_watch_.cancel();
}

std::string Group::path_of(const std::string& member) const {
  return join_path(path_, member);
}

GroupState Group::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

long long Group::session_id() const {
  std::lock_guard lock(mutex_);
  return session_ ? session_->session_id() : 0;
}

std::chrono::milliseconds Group::session_timeout() const {
  std::lock_guard lock(mutex_);
  return session_ ? session_->session_timeout() : std::chrono::milliseconds(0);
}

Subscription Group::subscribe(StateCallback callback) {
  return subscribers_.add(std::move(callback));
}

template <typename Decide>
void Group::transition(Decide decide) {
  {
    auto dispatch = subscribers_.lock();
    GroupState next;
    {
      std::lock_guard lock(mutex_);
      next = decide(state_);
      if (state_ == GroupState::Closed || next == state_) return;
      if (next == GroupState::Suspended) suspended_since_ = Clock::now();
      if (session_over(next)) {  // the nodes went with the session
        cancels_.clear();
        joined_.clear();
      }
      state_ = next;
      members_due_ = true;
      ++wakes_;
    }
    VLOG(1) << "zookeeper: group " << path_ << " " << to_string(next);
    subscribers_.notify_locked(next);
  }
  changed_.notify_all();
}

void Group::on_session(uint64_t generation, SessionState session) {
  transition([&](GroupState current) {
    if (generation != generation_) return current;
    switch (session) {
      case SessionState::Connecting:
        return current == GroupState::Expired ? GroupState::Connecting : current;
      case SessionState::Connected:
        return GroupState::Connected;
      case SessionState::Suspended:
        // A connection that never came up stays Connecting; a timed-out one stays TimedOut.
        return current == GroupState::Connected ? GroupState::Suspended : current;
      case SessionState::Expired:
        return GroupState::Expired;
      case SessionState::Closed:
        return GroupState::Closed;
    }
    return current;
  });
}

void Group::adopt(std::shared_ptr<Session> session) {
  if (!session || session->state() == SessionState::Expired) {
    const bool closed = ensemble_->closed();
    transition([closed](GroupState) { return closed ? GroupState::Closed : GroupState::Expired; });
    return;
  }
  uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = ++generation_;
    session_ = session;
  }
  Subscription subscription =
      session->subscribe([this, generation](SessionState state) { on_session(generation, state); });
  session_subscription_ = std::move(subscription);  // cancels the expired session's
  on_session(generation, session->state());
}

ZkError Group::refusal() const {
  switch (state_) {
    case GroupState::Connected:
      return ZkError::Ok;
    case GroupState::Expired:
      return ZkError::SessionExpired;
    case GroupState::Closed:
      return ZkError::Closed;
    case GroupState::Connecting:
    case GroupState::Suspended:
    case GroupState::TimedOut:
      break;
  }
  return ZkError::ConnectionLoss;
}

std::shared_ptr<Session> Group::connected_session(ZkError* refused) const {
  std::lock_guard lock(mutex_);
  *refused = refusal();
  return *refused == ZkError::Ok ? session_ : nullptr;
}

ZkError Group::prepare() {
  ZkError error;
  auto session = connected_session(&error);
  if (!session) return error;
  error = ensure_path(*session, path_);
  if (error != ZkError::Ok) return error;
  bool changed = false;
  error = session->restrict_acl(path_, &changed);
  if (changed) {
    LOG(WARNING) << "zookeeper: " << path_ << " was writable without the credential "
                 << "(created before --zk_auth_file was set); its ACL now allows only the "
                 << "credential's holders to join (READ stays open)";
  } else if (error != ZkError::Ok) {
    // Not fatal: the path stays as protected as it was; the next preparation tries again.
    LOG(WARNING) << "zookeeper: cannot restrict the ACL of " << path_ << ": " << to_string(error);
  }
  return ZkError::Ok;
}

ZkError Group::join(const std::string& tag, const std::string& data, Member* joined) {
  ZkError error;
  auto session = connected_session(&error);
  if (!session) return error;
  if (names_.tagged) {
    std::vector<std::string> children;
    error = session->get_children(path_, &children);
    if (error != ZkError::Ok) return error;
    // A create whose reply was lost may have succeeded: adopt the node instead of adding another.
    const auto mine = members_tagged(rank_members(children, names_), names_, tag);
    if (!mine.empty()) {
      LOG(INFO) << "zookeeper: adopted " << path_of(mine.front()) << " (its create reply was lost)";
      for (size_t i = 1; i < mine.size(); ++i) cancel(mine[i]);
      *joined = Member{mine.front(), member_sequence(mine.front(), names_).value_or(0), data};
      std::lock_guard lock(mutex_);
      joined_[joined->name] = data;
      return ZkError::Ok;
    }
  }
  std::string created;
  error = session->create(path_of(member_prefix(names_, tag)), data,
                          CreateMode::EphemeralSequential, &created);
  if (error != ZkError::Ok) return error;
  const std::string name = base_name(created);
  *joined = Member{name, member_sequence(name, names_).value_or(0), data};
  std::lock_guard lock(mutex_);
  joined_[name] = data;
  return ZkError::Ok;
}

ZkError Group::members(std::vector<Member>* ranked) {
  ZkError error;
  auto session = connected_session(&error);
  if (!session) return error;
  std::vector<std::string> children;
  error = session->get_children(path_, &children);
  if (error == ZkError::Ok) *ranked = rank_members(children, names_);
  return error;
}

ZkError Group::read(Member* member) {
  ZkError error;
  auto session = connected_session(&error);
  if (!session) return error;
  return session->get(path_of(member->name), &member->data, nullptr);
}

ZkError Group::stat(const std::string& member, ZkStat* stat, Session::WatchCallback watch,
                    Subscription* watch_subscription) {
  ZkError error;
  auto session = connected_session(&error);
  if (!session) return error;
  return session->exists(path_of(member), stat, std::move(watch), watch_subscription);
}

ZkError Group::cancel(const std::string& member) {
  {
    std::lock_guard lock(mutex_);
    joined_.erase(member);  // refreshing it now would prove a liveness it no longer claims
  }
  ZkError error;
  if (auto session = connected_session(&error)) {
    error = session->remove(path_of(member));
    if (error == ZkError::Ok || error == ZkError::NoNode) return error;
  }
  if (error == ZkError::ConnectionLoss) {
    // Ephemeral: if the session expires meanwhile, the node goes with it.
    {
      std::lock_guard lock(mutex_);
      if (!session_over(state_)) cancels_.insert(member);
      ++wakes_;
    }
    changed_.notify_all();
  } else {
    LOG(WARNING) << "zookeeper: cannot remove " << path_of(member) << ": " << to_string(error);
  }
  return error;
}

void Group::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    uint64_t seen;
    GroupState state;
    {
      std::lock_guard lock(mutex_);
      seen = wakes_;
      state = state_;
    }
    const Clock::time_point until = step(state);
    std::unique_lock lock(mutex_);
    const auto woken = [&] { return wakes_ != seen; };
    if (until == Clock::time_point::max()) {
      changed_.wait(lock, stop, woken);
    } else {
      changed_.wait_until(lock, stop, until, woken);
    }
  }
}

// The work of one state; returns when to look again unless woken earlier (max: only then).
Group::Clock::time_point Group::step(GroupState state) {
  const auto now = Clock::now();
  switch (state) {
    case GroupState::Expired:
      adopt(ensemble_->session());
      return this->state() == GroupState::Expired ? now + kRetryInterval : now;
    case GroupState::Suspended: {
      Clock::time_point deadline;
      {
        std::lock_guard lock(mutex_);
        deadline = suspended_since_ + (session_ ? session_->session_timeout() : kRetryInterval);
      }
      publish({});  // who leads is unknown until the session is back
      if (now < deadline) return deadline;
      LOG(WARNING) << "zookeeper: suspended for longer than the session timeout; what this "
                   << "replica holds in " << path_ << " counts as lost";
      transition([](GroupState current) {
        return current == GroupState::Suspended ? GroupState::TimedOut : current;
      });
      return now;
    }
    case GroupState::Connected: {
      ZkError refused;
      auto session = connected_session(&refused);
      if (!session) return now;
      const bool done = carry_out_cancels(*session) && refresh_members(*session);
      const auto next = done ? Clock::time_point::max() : now + kRetryInterval;
      return std::min(next, refresh_liveness(*session, now));
    }
    case GroupState::Connecting:
    case GroupState::TimedOut:
    case GroupState::Closed:
      publish({});
      return Clock::time_point::max();
  }
  return Clock::time_point::max();
}

bool Group::carry_out_cancels(Session& session) {
  std::set<std::string> due;
  {
    std::lock_guard lock(mutex_);
    due = cancels_;
  }
  bool done = true;
  for (const auto& member : due) {
    const ZkError error = session.remove(path_of(member));
    if (error == ZkError::ConnectionLoss) {
      done = false;
      continue;
    }
    if (error == ZkError::Ok) {
      LOG(INFO) << "zookeeper: removed " << path_of(member) << ", cancelled while disconnected";
    } else if (error != ZkError::NoNode) {
      LOG(WARNING) << "zookeeper: cannot remove " << path_of(member) << ": " << to_string(error);
    }
    std::lock_guard lock(mutex_);
    cancels_.erase(member);
  }
  return done;
}

}  // namespace scale::cluster
