#include "scheduler/replica.h"

#include <glog/logging.h>
#include <unistd.h>

#include <condition_variable>

#include "db/fence.h"
#include "scheduler/leader.h"
#include "scheduler/leader_parts.h"

namespace scale::scheduler {

Replica::Replica(const ReplicaOptions& options, ReplicaMetrics* metrics)
    : options_(options), metrics_(metrics) {}

Replica::~Replica() = default;

bool Replica::leading() const {
  std::lock_guard lock(term_mutex_);
  return promoted_ && term_ != nullptr && term_->acting();
}

bool Replica::ensure_session(std::stop_token stop) {
  if (zk_ && zk_->state() != cluster::SessionState::Expired &&
      zk_->state() != cluster::SessionState::Closed) {
    return true;
  }
  zk_.reset();
  try {
    zk_ = cluster::ZkSession::open(options_.zk, options_.zk_session_timeout, options_.zk_auth);
  } catch (const std::exception& e) {
    // A host that does not resolve right now (DNS hiccup) is retried, not fatal.
    LOG(WARNING) << "zookeeper: cannot open a session: " << e.what();
    return false;
  }
  while (!stop.stop_requested()) {
    if (zk_->wait_connected(std::chrono::milliseconds(200))) {
      LOG(INFO) << "zookeeper: session 0x" << std::hex << zk_->session_id() << std::dec
                << " connected, timeout " << zk_->session_timeout().count() << " ms";
      return true;
    }
    if (zk_->state() == cluster::SessionState::Expired) return false;
  }
  return false;
}

void Replica::prepare_standby() {
  if (!standby_.listener && !options_.mesos_master.empty()) {
    standby_.relay = std::make_shared<NotifyRelay>();
    standby_.listener = std::make_unique<NotifyListener>(
        options_.db, leader_channels(),
        [relay = standby_.relay](db::Connection&, const db::Notification& n) {
          relay->deliver(n);
        });
  }
  if (standby_.conn && standby_.conn->probe()) return;
  standby_.conn.reset();
  try {
    auto conn = std::make_unique<db::Connection>(options_.db);
    db::Fence::warm(*conn);
    standby_.conn = std::move(conn);
    standby_warned_ = false;
  } catch (const db::Error& e) {
    if (!standby_warned_) LOG(WARNING) << "replica: no standby database connection: " << e.what();
    standby_warned_ = true;
  }
}

void Replica::lead(std::unique_ptr<cluster::Term> term, std::stop_token stop) {
  {
    std::lock_guard lock(term_mutex_);
    term_ = term.get();
  }
  LeaderOutcome outcome;
  {
    Leader leader(options_, *term, make_leader_parts(options_, *term, standby_, *zk_), promoted_,
                  metrics_);
    outcome = leader.run(stop);
    promoted_ = false;
    // The term's loop is over (no write, no Mesos call from here on): deleting the node before
    // the Leader's teardown (joining its listener and Mesos threads, up to ~100 ms) lets a
    // follower take over in milliseconds.
    term->resign();
  }
  {
    std::lock_guard lock(term_mutex_);
    term_ = nullptr;
  }
  LOG(INFO) << "leader: term epoch " << term->epoch() << " over (" << to_string(outcome) << ", "
            << cluster::to_string(term->end_reason()) << "); rejoining as follower";
}

std::optional<std::string> Replica::fatal_error() const {
  std::lock_guard lock(term_mutex_);
  return fatal_error_;
}

void Replica::run(std::stop_token stop) {
  const cluster::CandidateInfo me{options_.replica_id, options_.advertise_url, options_.hostname,
                                  static_cast<long long>(getpid())};
  while (!stop.stop_requested()) {
    std::unique_ptr<cluster::Term> term;
    try {
      if (ensure_session(stop)) {
        prepare_standby();
        term = cluster::wait_for_leader(*zk_, options_.election_path, me, stop);
      }
    } catch (const cluster::ElectionAccessDenied& e) {
      LOG(ERROR) << e.what();
      std::lock_guard lock(term_mutex_);
      fatal_error_ = e.what();
      return;
    }
    if (term) {
      lead(std::move(term), stop);
    } else if (!stop.stop_requested()) {
      // No session or it went away mid-election; pause so a flapping ensemble is not hammered.
      std::mutex mutex;
      std::unique_lock lock(mutex);
      std::condition_variable_any().wait_for(lock, stop, std::chrono::milliseconds(100),
                                             [] { return false; });
    }
  }
}

}  // namespace scale::scheduler
