#include "cluster/zookeeper_term.h"

#include <glog/logging.h>

#include <condition_variable>
#include <mutex>
#include <vector>

namespace scale::cluster {

using Clock = std::chrono::steady_clock;

// State shared by the term, its threads and the ZooKeeper callbacks. The callbacks hold a plain
// pointer: the subscriptions are cancelled (which waits for a running callback) before the core
// goes away, so a callback never owns or outlives it.
struct ZooKeeperTerm::Core {
  // Where the term stands; acting() also needs the group Connected and the lease.
  //   Held:       the node is there as far as we know, and watched.
  //   Unverified: still acting, but the watch must be re-armed (after a reconnect, or an event
  //               other than a deletion consumed it).
  //   Doubted:    a deletion event arrived: not acting. A live session's NoNode ends the term; if
  //               the session is gone its answer says so instead, which is the truer reason (a
  //               forced expiry deletes the node before the owner hears of the expiry).
  //   Ending:     over; the callbacks have not run yet.
  //   Ended:      over.
  enum class Phase { Held, Unverified, Doubted, Ending, Ended };

  Core(std::shared_ptr<Group> owner, std::string name)
      : group(std::move(owner)), member(std::move(name)), path(group->path_of(member)) {}
  ~Core() {
    group_subscription.cancel();
    node_watch.cancel();
  }

  const std::shared_ptr<Group> group;
  const std::string member;
  const std::string path;
  long long epoch = 0;  // written once before the term exists

  mutable std::mutex mutex;
  std::condition_variable_any changed_cv;
  bool changed = false;      // an event arrived since the monitor last looked
  uint64_t node_events = 0;  // so that a check overtaken by an event does not count
  Phase phase = Phase::Held;
  TermEndReason reason = TermEndReason::None;
  // The session is certainly alive until then: a probe sent at t was answered, so the ensemble
  // heard from this session at t or later and cannot expire it before t + session timeout. A
  // process frozen past that (SIGSTOP, a long GC-like stall) stops acting the moment it resumes,
  // before its ZooKeeper client has even noticed the session is gone.
  Clock::time_point confirmed_until{};
  std::vector<std::function<void(TermEndReason)>> callbacks;

  // Set up by claim() before the monitor starts; afterwards touched by the monitor only.
  Subscription group_subscription;
  Subscription node_watch;

  bool over() const { return phase == Phase::Ending || phase == Phase::Ended; }
  void on_group(GroupState state);
  void on_node(NodeEvent event);
  ZkError watch_node(ZkStat* stat);
  void begin_end(TermEndReason why);
  void finish(std::unique_lock<std::mutex>& lock);
  bool check_node(std::unique_lock<std::mutex>& lock);
  void run(std::stop_token stop);
  void confirm(Clock::time_point sent);
  void renew_lease(std::stop_token stop);
};

namespace {

// A fifth of the session timeout is left for clock-rate differences and for the time between a
// check of acting() and the action it allows.
Clock::duration lease_length(std::chrono::milliseconds session_timeout) {
  return session_timeout * 4 / 5;
}

}  // namespace

void ZooKeeperTerm::Core::confirm(Clock::time_point sent) {
  std::lock_guard lock(mutex);
  confirmed_until = std::max(confirmed_until, sent + lease_length(group->session_timeout()));
}

// Its own thread: a probe blocks for a round trip, and up to the session timeout when the
// connection is lost, which must not hold up the monitor.
void ZooKeeperTerm::Core::renew_lease(std::stop_token stop) {
  const auto period = group->session_timeout() / 4;
  std::unique_lock lock(mutex);
  while (!stop.stop_requested() && !over()) {
    changed_cv.wait_for(lock, stop, period, [&] { return over(); });
    if (stop.stop_requested() || over() || group->state() != GroupState::Connected) continue;
    lock.unlock();
    const auto sent = Clock::now();
    const ZkError error = group->stat(member, nullptr);
    if (error == ZkError::Ok) confirm(sent);
    lock.lock();
  }
}

void ZooKeeperTerm::Core::on_group(GroupState state) {
  {
    std::lock_guard lock(mutex);
    if (over()) return;
    switch (state) {
      case GroupState::Connected:
        // The node may have gone while we were away; the watch is re-armed to find out.
        if (phase == Phase::Held) phase = Phase::Unverified;
        break;
      case GroupState::TimedOut:
        // The ensemble has most likely expired the session by now; do not wait to hear it.
        begin_end(TermEndReason::SuspendedTooLong);
        break;
      case GroupState::Expired:
        begin_end(TermEndReason::SessionExpired);
        break;
      case GroupState::Closed:
        begin_end(TermEndReason::Closed);
        break;
      case GroupState::Connecting:
      case GroupState::Suspended:
        return;  // acting() reads the group's state itself
    }
    changed = true;
  }
  changed_cv.notify_all();
}

void ZooKeeperTerm::Core::on_node(NodeEvent event) {
  {
    std::lock_guard lock(mutex);
    if (over()) return;
    ++node_events;
    if (event == NodeEvent::Deleted) {
      phase = Phase::Doubted;
    } else if (phase == Phase::Held) {
      phase = Phase::Unverified;  // the one-shot watch is used up
    }
    changed = true;
  }
  changed_cv.notify_all();
}

ZkError ZooKeeperTerm::Core::watch_node(ZkStat* stat) {
  Subscription fresh;
  const ZkError error = group->stat(
      member, stat, [this](NodeEvent event) { on_node(event); }, &fresh);
  // Replacing the registration cancels the previous one; done without `mutex` held because a
  // cancel waits for a running callback, which takes `mutex`.
  node_watch = std::move(fresh);
  return error;
}

void ZooKeeperTerm::Core::begin_end(TermEndReason why) {
  phase = Phase::Ending;
  reason = why;
  changed = true;
}

void ZooKeeperTerm::Core::finish(std::unique_lock<std::mutex>& lock) {
  phase = Phase::Ended;
  const TermEndReason why = reason;
  auto fired = std::move(callbacks);
  callbacks.clear();
  lock.unlock();
  changed_cv.notify_all();
  LOG_IF(WARNING, why != TermEndReason::Resigned)
      << "election: term epoch " << epoch << " (" << path << ") ended: " << to_string(why);
  LOG_IF(INFO, why == TermEndReason::Resigned)
      << "election: term epoch " << epoch << " (" << path << ") resigned";
  // The session may come back with the node, which would keep leading for nobody.
  if (why == TermEndReason::SuspendedTooLong) group->cancel(member);
  for (auto& callback : fired) callback(why);
  lock.lock();
}

// True when the check settled where the term stands; false when it must wait for a change.
bool ZooKeeperTerm::Core::check_node(std::unique_lock<std::mutex>& lock) {
  const uint64_t events = node_events;
  lock.unlock();
  const auto sent = Clock::now();
  const ZkError error = watch_node(nullptr);
  lock.lock();
  if (over()) return true;
  switch (error) {
    case ZkError::Ok:
      // The answer renews the lease too: after a reconnect the leader acts again at once.
      confirmed_until = std::max(confirmed_until, sent + lease_length(group->session_timeout()));
      if (node_events == events) phase = Phase::Held;
      return true;
    case ZkError::NoNode:
      begin_end(TermEndReason::NodeDeleted);
      return true;
    case ZkError::SessionExpired:
      begin_end(TermEndReason::SessionExpired);
      return true;
    default:
      return false;  // the next reconnect makes it due again
  }
}

void ZooKeeperTerm::Core::run(std::stop_token stop) {
  std::unique_lock lock(mutex);
  while (!stop.stop_requested()) {
    changed = false;
    if (phase == Phase::Ending) {
      finish(lock);
      continue;
    }
    const bool due = phase == Phase::Unverified || phase == Phase::Doubted;
    if (due && group->state() == GroupState::Connected && check_node(lock)) continue;
    changed_cv.wait(lock, stop, [&] { return changed; });
  }
}

ZooKeeperTerm::Claim ZooKeeperTerm::claim(std::shared_ptr<Group> group, const std::string& member) {
  auto core = std::make_shared<Core>(group, member);
  Core* raw = core.get();
  // Subscribe before the first look, so no change can fall in between.
  core->group_subscription = group->subscribe([raw](GroupState state) { raw->on_group(state); });
  ZkStat stat;
  const auto sent = Clock::now();
  const ZkError error = core->watch_node(&stat);
  if (error == ZkError::NoNode) return {ClaimOutcome::NodeMissing, error, 0, nullptr};
  if (error != ZkError::Ok) return {ClaimOutcome::Failed, error, 0, nullptr};
  if (stat.ephemeral_owner != group->session_id()) {
    return {ClaimOutcome::NotOwner, error, stat.ephemeral_owner, nullptr};
  }
  core->epoch = stat.czxid;
  core->confirm(sent);
  return {ClaimOutcome::Claimed, error, 0,
          std::unique_ptr<ZooKeeperTerm>(new ZooKeeperTerm(std::move(core)))};
}

ZooKeeperTerm::ZooKeeperTerm(std::shared_ptr<Core> core)
    : core_(std::move(core)),
      monitor_([core = core_](std::stop_token stop) { core->run(stop); }),
      lease_([core = core_](std::stop_token stop) { core->renew_lease(stop); }) {}

ZooKeeperTerm::~ZooKeeperTerm() {
  resign();
  monitor_.request_stop();
  lease_.request_stop();
  // Destroyed from an on_end callback: the monitor owns a share of the core and finishes alone.
  if (monitor_.get_id() == std::this_thread::get_id()) monitor_.detach();
}

long long ZooKeeperTerm::epoch() const {
  return core_->epoch;
}

std::string ZooKeeperTerm::node_path() const {
  return core_->path;
}

bool ZooKeeperTerm::acting() const {
  std::lock_guard lock(core_->mutex);
  using Phase = Core::Phase;
  return (core_->phase == Phase::Held || core_->phase == Phase::Unverified) &&
         core_->group->state() == GroupState::Connected && Clock::now() < core_->confirmed_until;
}

bool ZooKeeperTerm::ended() const {
  std::lock_guard lock(core_->mutex);
  return core_->over();
}

TermEndReason ZooKeeperTerm::end_reason() const {
  std::lock_guard lock(core_->mutex);
  return core_->reason;
}

bool ZooKeeperTerm::wait_ended(std::chrono::milliseconds timeout) {
  std::unique_lock lock(core_->mutex);
  return core_->changed_cv.wait_for(lock, timeout, [&] { return core_->over(); });
}

void ZooKeeperTerm::on_end(std::function<void(TermEndReason)> callback) {
  std::unique_lock lock(core_->mutex);
  if (core_->phase != Core::Phase::Ended) {
    core_->callbacks.push_back(std::move(callback));
    return;
  }
  const TermEndReason reason = core_->reason;
  lock.unlock();
  callback(reason);
}

void ZooKeeperTerm::resign() {
  {
    std::unique_lock lock(core_->mutex);
    if (core_->over()) return;
    core_->begin_end(TermEndReason::Resigned);
    core_->finish(lock);
  }
  // While disconnected this does not wait: the group deletes the node on reconnect, or it goes
  // with the session.
  core_->group->cancel(core_->member);
}

}  // namespace scale::cluster
