#include "scheduler/replica.h"

#include <glog/logging.h>
#include <unistd.h>

#include <condition_variable>

#include "db/fence.h"
#include "scheduler/leader.h"
#include "scheduler/leader_parts.h"
#include "scheduler/status_document.h"

namespace scale::scheduler {

Replica::Replica(const ReplicaOptions& options, cluster::Contender& contender,
                 cluster::Detector& replicas, ReplicaMetrics* metrics)
    : options_(options),
      contender_(contender),
      replicas_(replicas),
      metrics_(metrics),
      started_(iso8601_utc(std::chrono::system_clock::now())) {}

Replica::~Replica() = default;

bool Replica::leading() const {
  std::lock_guard lock(term_mutex_);
  return promoted_ && term_ != nullptr && term_->acting();
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
    Leader leader(options_, *term, make_leader_parts(options_, *term, standby_, replicas_),
                  promoted_, metrics_);
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
  const cluster::CandidateInfo me{options_.replica_id, options_.advertise_url,
                                  options_.hostname,   static_cast<long long>(getpid()),
                                  options_.version,    started_};
  while (!stop.stop_requested()) {
    std::unique_ptr<cluster::Term> term;
    try {
      prepare_standby();
      term = contender_.contend(me, stop);
    } catch (const cluster::ElectionAccessDenied& e) {
      LOG(ERROR) << e.what();
      std::lock_guard lock(term_mutex_);
      fatal_error_ = e.what();
      return;
    }
    if (term) {
      lead(std::move(term), stop);
    } else if (!stop.stop_requested()) {
      // The session went away mid-election; pause so a flapping ensemble is not hammered.
      std::mutex mutex;
      std::unique_lock lock(mutex);
      std::condition_variable_any().wait_for(lock, stop, std::chrono::milliseconds(100),
                                             [] { return false; });
    }
  }
}

}  // namespace scale::scheduler
