#include "cluster/zk_term.h"

#include <glog/logging.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

namespace scale::cluster {

using Clock = std::chrono::steady_clock;

// State shared by the term, its monitor thread and the ZooKeeper callbacks. The callbacks hold
// a plain pointer: the subscriptions are cancelled (which waits for a running callback) before
// the core goes away, so a callback never owns or outlives it.
struct ZkTerm::Core {
  Core(std::shared_ptr<ZkClient> zk, std::string path)
      : client(std::move(zk)), node_path(std::move(path)) {}
  ~Core() {
    session_subscription.cancel();
    node_watch.cancel();
  }

  const std::shared_ptr<ZkClient> client;
  const std::string node_path;
  long long epoch = 0;  // written once before the term exists

  mutable std::mutex mutex;
  std::condition_variable_any changed_cv;
  bool changed = false;  // an event arrived since the monitor last looked
  SessionState session = SessionState::Connected;
  std::optional<Clock::time_point> suspended_since;
  // A deletion event only makes the term stop acting; it ends the term once a live session
  // confirms it (NoNode). If the session itself is gone the answer says so instead, which is the
  // truer reason (a forced expiry deletes the node before the owner hears of the expiry).
  bool deletion_seen = false;
  bool node_gone = false;
  bool expiry_answered = false;
  bool node_check_due = false;  // verify and re-arm the watch, or remove the node once over
  bool node_may_exist = true;
  bool ended = false;
  TermEndReason reason = TermEndReason::None;
  // The session is certainly alive until then: a probe sent at t was answered, so the ensemble
  // heard from this session at t or later and cannot expire it before t + session timeout. A
  // process frozen past that (SIGSTOP, a long GC-like stall) stops acting the moment it resumes,
  // before its ZooKeeper client has even noticed the session is gone.
  Clock::time_point confirmed_until{};
  std::vector<std::function<void(TermEndReason)>> callbacks;

  // Set up by claim() before the monitor starts; afterwards touched by the monitor only.
  Subscription session_subscription;
  Subscription node_watch;

  void on_session(SessionState state);
  void on_node(NodeEvent event);
  ZkError watch_node(ZkStat* stat);
  std::optional<TermEndReason> due_reason() const;
  void end(std::unique_lock<std::mutex>& lock, TermEndReason why);
  void check_node(std::unique_lock<std::mutex>& lock);
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

void ZkTerm::Core::confirm(Clock::time_point sent) {
  std::lock_guard lock(mutex);
  confirmed_until = std::max(confirmed_until, sent + lease_length(client->session_timeout()));
}

// Its own thread: a probe blocks for a round trip, and up to the session timeout when the
// connection is lost, which must not hold up the monitor's suspension timer.
void ZkTerm::Core::renew_lease(std::stop_token stop) {
  const auto period = client->session_timeout() / 4;
  std::unique_lock lock(mutex);
  while (!stop.stop_requested() && !ended) {
    changed_cv.wait_for(lock, stop, period, [&] { return ended; });
    if (stop.stop_requested() || ended || session != SessionState::Connected) continue;
    lock.unlock();
    const auto sent = Clock::now();
    const ZkError error = client->exists(node_path, nullptr);
    if (error == ZkError::Ok) confirm(sent);
    lock.lock();
  }
}

void ZkTerm::Core::on_session(SessionState state) {
  {
    std::lock_guard lock(mutex);
    session = state;
    if (state == SessionState::Suspended && !suspended_since) suspended_since = Clock::now();
    if (state == SessionState::Connected) {
      suspended_since.reset();
      // The node may have gone while we were away; the watch is re-armed to find out.
      node_check_due = true;
    }
    changed = true;
  }
  changed_cv.notify_all();
}

void ZkTerm::Core::on_node(NodeEvent event) {
  {
    std::lock_guard lock(mutex);
    if (event == NodeEvent::Deleted) {
      deletion_seen = true;
      node_may_exist = false;
    }
    node_check_due = true;  // confirm a deletion; any other event consumed the one-shot watch
    changed = true;
  }
  changed_cv.notify_all();
}

ZkError ZkTerm::Core::watch_node(ZkStat* stat) {
  Subscription fresh;
  const ZkError error = client->exists(
      node_path, stat, [this](NodeEvent event) { on_node(event); }, &fresh);
  // Replacing the registration cancels the previous one; done without `mutex` held because a
  // cancel waits for a running callback, which takes `mutex`.
  node_watch = std::move(fresh);
  return error;
}

std::optional<TermEndReason> ZkTerm::Core::due_reason() const {
  // The session's end explains a deleted node, not the other way round.
  if (session == SessionState::Expired || expiry_answered) return TermEndReason::SessionExpired;
  if (session == SessionState::Closed) return TermEndReason::Closed;
  if (node_gone) return TermEndReason::NodeDeleted;
  if (suspended_since && Clock::now() - *suspended_since >= client->session_timeout()) {
    // The ensemble has most likely expired the session by now; do not wait to hear it.
    return TermEndReason::SuspendedTooLong;
  }
  return std::nullopt;
}

void ZkTerm::Core::end(std::unique_lock<std::mutex>& lock, TermEndReason why) {
  ended = true;
  reason = why;
  if (why == TermEndReason::NodeDeleted || why == TermEndReason::SessionExpired ||
      why == TermEndReason::Closed) {
    node_may_exist = false;
  }
  // A node left behind would keep leading for nobody; resign() removes its own.
  if (node_may_exist && why != TermEndReason::Resigned) node_check_due = true;
  auto fired = std::move(callbacks);
  callbacks.clear();
  lock.unlock();
  changed_cv.notify_all();
  LOG_IF(WARNING, why != TermEndReason::Resigned)
      << "election: term epoch " << epoch << " (" << node_path << ") ended: " << to_string(why);
  LOG_IF(INFO, why == TermEndReason::Resigned)
      << "election: term epoch " << epoch << " (" << node_path << ") resigned";
  for (auto& callback : fired) callback(why);
  lock.lock();
}

void ZkTerm::Core::check_node(std::unique_lock<std::mutex>& lock) {
  node_check_due = false;
  const bool over = ended;
  lock.unlock();
  const auto sent = Clock::now();
  const ZkError error = over ? client->remove(node_path) : watch_node(nullptr);
  lock.lock();
  if (!over && error == ZkError::Ok) {
    // The answer renews the lease too: after a reconnect the leader acts again at once.
    confirmed_until = std::max(confirmed_until, sent + lease_length(client->session_timeout()));
  }
  if (error == ZkError::NoNode) {
    node_may_exist = false;
    if (!over) node_gone = true;
  } else if (!over && error == ZkError::SessionExpired) {
    expiry_answered = true;
  } else if (over && error == ZkError::Ok) {
    node_may_exist = false;
    LOG(INFO) << "election: removed " << node_path << " left from an ended term";
  }
  // Other errors: the next reconnect sets node_check_due again.
}

void ZkTerm::Core::run(std::stop_token stop) {
  std::unique_lock lock(mutex);
  while (!stop.stop_requested()) {
    changed = false;
    if (!ended) {
      if (auto why = due_reason()) {
        end(lock, *why);
        continue;
      }
    }
    if (node_check_due && session == SessionState::Connected && (!ended || node_may_exist)) {
      check_node(lock);
      continue;
    }
    if (!ended && suspended_since) {
      const auto deadline = *suspended_since + client->session_timeout();
      changed_cv.wait_until(lock, stop, deadline, [&] { return changed; });
    } else {
      changed_cv.wait(lock, stop, [&] { return changed; });
    }
  }
}

ZkTerm::Claim ZkTerm::claim(std::shared_ptr<ZkClient> client, const std::string& node_path) {
  auto core = std::make_shared<Core>(client, node_path);
  Core* raw = core.get();
  // Subscribe before reading the state, so no change can fall in between.
  core->session_subscription = client->subscribe([raw](SessionState s) { raw->on_session(s); });
  {
    std::lock_guard lock(core->mutex);
    core->session = client->state();
    if (core->session == SessionState::Suspended) core->suspended_since = Clock::now();
  }
  ZkStat stat;
  const auto sent = Clock::now();
  const ZkError error = core->watch_node(&stat);
  if (error == ZkError::NoNode) return {ClaimOutcome::NodeMissing, error, 0, nullptr};
  if (error != ZkError::Ok) return {ClaimOutcome::Failed, error, 0, nullptr};
  if (stat.ephemeral_owner != client->session_id()) {
    return {ClaimOutcome::NotOwner, error, stat.ephemeral_owner, nullptr};
  }
  core->epoch = stat.czxid;
  core->confirm(sent);
  return {ClaimOutcome::Claimed, error, 0, std::unique_ptr<ZkTerm>(new ZkTerm(std::move(core)))};
}

ZkTerm::ZkTerm(std::shared_ptr<Core> core)
    : core_(std::move(core)),
      monitor_([core = core_](std::stop_token stop) { core->run(stop); }),
      lease_([core = core_](std::stop_token stop) { core->renew_lease(stop); }) {}

ZkTerm::~ZkTerm() {
  resign();
  monitor_.request_stop();
  lease_.request_stop();
  // Destroyed from an on_end callback: the monitor owns a share of the core and finishes alone.
  if (monitor_.get_id() == std::this_thread::get_id()) monitor_.detach();
}

long long ZkTerm::epoch() const {
  return core_->epoch;
}

std::string ZkTerm::node_path() const {
  return core_->node_path;
}

bool ZkTerm::acting() const {
  std::lock_guard lock(core_->mutex);
  return !core_->ended && !core_->deletion_seen && core_->session == SessionState::Connected &&
         Clock::now() < core_->confirmed_until;
}

bool ZkTerm::ended() const {
  std::lock_guard lock(core_->mutex);
  return core_->ended;
}

TermEndReason ZkTerm::end_reason() const {
  std::lock_guard lock(core_->mutex);
  return core_->reason;
}

bool ZkTerm::wait_ended(std::chrono::milliseconds timeout) {
  std::unique_lock lock(core_->mutex);
  return core_->changed_cv.wait_for(lock, timeout, [&] { return core_->ended; });
}

void ZkTerm::on_end(std::function<void(TermEndReason)> callback) {
  std::unique_lock lock(core_->mutex);
  if (!core_->ended) {
    core_->callbacks.push_back(std::move(callback));
    return;
  }
  const TermEndReason reason = core_->reason;
  lock.unlock();
  callback(reason);
}

void ZkTerm::resign() {
  {
    std::unique_lock lock(core_->mutex);
    if (!core_->ended) core_->end(lock, TermEndReason::Resigned);
    // While disconnected a delete would only block; the monitor removes the node on reconnect,
    // or the next candidacy of this session sweeps it.
    if (!core_->node_may_exist) return;
    if (core_->session != SessionState::Connected) {
      core_->node_check_due = true;
      return;
    }
  }
  const ZkError error = core_->client->remove(core_->node_path);
  std::lock_guard lock(core_->mutex);
  if (error == ZkError::Ok || error == ZkError::NoNode) {
    core_->node_may_exist = false;
  } else {
    LOG(WARNING) << "election: could not remove " << core_->node_path
                 << " on resign: " << to_string(error);
    core_->node_check_due = true;
  }
}

const char* to_string(TermEndReason reason) {
  switch (reason) {
    case TermEndReason::None:
      return "None";
    case TermEndReason::Resigned:
      return "Resigned";
    case TermEndReason::SessionExpired:
      return "SessionExpired";
    case TermEndReason::SuspendedTooLong:
      return "SuspendedTooLong";
    case TermEndReason::NodeDeleted:
      return "NodeDeleted";
    case TermEndReason::Closed:
      return "Closed";
  }
  return "Unknown";
}

}  // namespace scale::cluster
