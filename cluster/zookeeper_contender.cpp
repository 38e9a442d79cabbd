#include "cluster/zookeeper_contender.h"

#include <glog/logging.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <vector>

#include "cluster/candidate_info.h"
#include "cluster/zookeeper_term.h"

namespace scale::cluster {
namespace {

// An ACL refusal is a configuration error, not a transient one: retrying would spin forever.
[[noreturn]] void access_denied(const std::string& path, const char* operation) {
  throw ElectionAccessDenied("election: the ZooKeeper ACL of " + path + " refuses to let this " +
                             "replica " + operation +
                             " (no --zk_auth_file credential, or not the one the ACL names)");
}

std::string hex_id(long long id) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(id));
  return buffer;
}

// Wakes the candidate's thread: a watch fired or the group changed. A generation counter makes
// a wake-up that arrives before the wait impossible to miss; `over` remembers that the session
// the candidacy ran on expired or closed, even if the group has a new one by now. A wake-up that
// only says the predecessor's data changed (its liveness refresh) is told apart: it needs the
// watch re-armed, not the members listed again.
class WakeSignal {
 public:
  void notify(bool session_over = false) {
    {
      std::lock_guard lock(mutex_);
      full_generation_ = ++generation_;
      over_ = over_ || session_over;
    }
    cv_.notify_all();
  }
  void notify_data_changed() {
    {
      std::lock_guard lock(mutex_);
      ++generation_;
    }
    cv_.notify_all();
  }
  uint64_t generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
  }
  // True when woken since `seen`, and only by data changes.
  bool only_data_changed_since(uint64_t seen) const {
    std::lock_guard lock(mutex_);
    return generation_ != seen && full_generation_ <= seen;
  }
  bool over() const {
    std::lock_guard lock(mutex_);
    return over_;
  }
  void wait(uint64_t seen, std::stop_token stop, std::optional<std::chrono::milliseconds> timeout) {
    std::unique_lock lock(mutex_);
    auto moved = [&] { return generation_ != seen; };
    if (timeout) {
      cv_.wait_for(lock, stop, *timeout, moved);
    } else {
      cv_.wait(lock, stop, moved);
    }
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable_any cv_;
  uint64_t generation_ = 0;
  uint64_t full_generation_ = 0;  // of the last wake-up other than a data change
  bool over_ = false;
};

enum class Step {
  Done,   // this phase finished; go on
  Again,  // the world changed under us; look again at once
  Wait,   // nothing to do until a watch or a group change
  Retry,  // an operation failed; look again after the retry interval or a group change
};

class Candidacy {
 public:
  Candidacy(std::shared_ptr<Group> group, const CandidateInfo& me, const ContenderHooks& hooks)
      : group_(std::move(group)),
        guid_(make_guid()),
        data_(to_json(with_process_defaults(me))),
        hooks_(hooks) {}

  std::unique_ptr<Term> run(std::stop_token stop);

 private:
  Step attempt(std::unique_ptr<Term>* term);
  Step prepare();
  Step join();
  Step evaluate(std::unique_ptr<Term>* term);
  Step claim(std::unique_ptr<Term>* term);
  Step watch_predecessor(const std::string& predecessor);
  void withdraw();

  const std::shared_ptr<Group> group_;
  const std::string guid_;
  const std::string data_;
  const ContenderHooks& hooks_;
  const std::shared_ptr<WakeSignal> signal_ = std::make_shared<WakeSignal>();
  bool prepared_ = false;
  std::string own_;      // our member once joined or adopted
  std::string watched_;  // the predecessor we watch (re-armed alone after its data changed)
  Subscription predecessor_watch_;
};

std::unique_ptr<Term> Candidacy::run(std::stop_token stop) {
  Subscription changes = group_->subscribe([signal = signal_](GroupState state) {
    signal->notify(state == GroupState::Expired || state == GroupState::Closed);
  });
  bool rearm_only = false;  // woken only by the watched predecessor's data change
  while (true) {
    const uint64_t seen = signal_->generation();
    if (stop.stop_requested()) {
      withdraw();
      return nullptr;
    }
    const GroupState state = group_->state();
    if (signal_->over() || state == GroupState::Closed) {
      LOG(WARNING) << "election: session over (" << to_string(state) << "); candidacy over";
      return nullptr;
    }
    Step step = Step::Wait;  // while not connected, only a group change can help
    if (state == GroupState::Connected && rearm_only) {
      step = watch_predecessor(watched_);  // NoNode: Again, and the next pass looks at all
    } else if (state == GroupState::Connected) {
      std::unique_ptr<Term> term;
      step = attempt(&term);
      if (term) return term;
    }
    rearm_only = false;
    if (step == Step::Again) continue;
    signal_->wait(seen, stop,
                  step == Step::Retry ? std::optional(Group::kRetryInterval) : std::nullopt);
    rearm_only = step == Step::Wait && state == GroupState::Connected && !watched_.empty() &&
                 signal_->only_data_changed_since(seen);
  }
}

Step Candidacy::attempt(std::unique_ptr<Term>* term) {
  if (!prepared_) {
    const Step step = prepare();
    if (step != Step::Done) return step;
  }
  if (own_.empty()) {
    const Step step = join();
    if (step != Step::Done) return step;
  }
  return evaluate(term);
}

Step Candidacy::prepare() {
  ZkError error = group_->prepare();
  if (error == ZkError::NoAuth) access_denied(group_->path(), "create it or join under it");
  std::vector<Member> ranked;
  if (error == ZkError::Ok) error = group_->members(&ranked);
  if (error == ZkError::NoAuth) access_denied(group_->path(), "list the candidates");
  if (error != ZkError::Ok) {
    LOG(WARNING) << "election: cannot prepare " << group_->path() << ": " << to_string(error);
    return Step::Retry;
  }
  // A member this session made in an earlier candidacy (its term ended while disconnected)
  // would lead for nobody and block everyone behind it.
  const long long session = group_->session_id();
  const std::string own_prefix = member_prefix(group_->names(), guid_);
  for (const auto& member : ranked) {
    if (member.name.starts_with(own_prefix)) continue;  // ours: adopted by join()
    ZkStat stat;
    if (group_->stat(member.name, &stat) == ZkError::Ok && stat.ephemeral_owner == session) {
      LOG(INFO) << "election: removing " << group_->path_of(member.name) << " left by this session";
      group_->cancel(member.name);
    }
  }
  prepared_ = true;
  return Step::Done;
}

Step Candidacy::join() {
  Member joined;
  const ZkError error = group_->join(guid_, data_, &joined);
  if (error == ZkError::Ok) {
    own_ = joined.name;
    LOG(INFO) << "election: joined as " << group_->path_of(own_) << " (session "
              << hex_id(group_->session_id()) << ")";
    return Step::Done;
  }
  if (error == ZkError::NoAuth) access_denied(group_->path(), "join under it");
  LOG(WARNING) << "election: joining " << group_->path() << " failed: " << to_string(error);
  if (error != ZkError::NoNode) return Step::Retry;
  prepared_ = false;  // the path went away
  return Step::Again;
}

Step Candidacy::evaluate(std::unique_ptr<Term>* term) {
  std::vector<Member> ranked;
  const ZkError error = group_->members(&ranked);
  if (error == ZkError::NoNode) {
    prepared_ = false;
    own_.clear();
    return Step::Again;
  }
  if (error != ZkError::Ok) return Step::Retry;
  const Standing standing = standing_of(ranked, own_);
  if (hooks_.on_evaluate) hooks_.on_evaluate(own_);
  switch (standing.position) {
    case Position::Missing:
      LOG(WARNING) << "election: " << group_->path_of(own_) << " vanished; joining again";
      own_.clear();
      return Step::Again;
    case Position::Leader:
      return claim(term);
    case Position::Follower:
      return watch_predecessor(standing.predecessor);
  }
  return Step::Retry;
}

Step Candidacy::claim(std::unique_ptr<Term>* term) {
  ZooKeeperTerm::Claim claim = ZooKeeperTerm::claim(group_, own_);
  switch (claim.outcome) {
    case ZooKeeperTerm::ClaimOutcome::Claimed:
      LOG(INFO) << "election: " << group_->path_of(own_) << " leads, epoch " << claim.term->epoch();
      own_.clear();  // the term owns the member from now on
      predecessor_watch_.cancel();
      *term = std::move(claim.term);
      return Step::Done;
    case ZooKeeperTerm::ClaimOutcome::NodeMissing:
      own_.clear();
      return Step::Again;
    case ZooKeeperTerm::ClaimOutcome::NotOwner:
      LOG(ERROR) << "election: lowest member " << group_->path_of(own_) << " belongs to session "
                 << hex_id(claim.owner) << ", not " << hex_id(group_->session_id())
                 << "; not claiming";
      return Step::Retry;
    case ZooKeeperTerm::ClaimOutcome::Failed:
      return Step::Retry;
  }
  return Step::Retry;
}

Step Candidacy::watch_predecessor(const std::string& predecessor) {
  Subscription watch;
  const ZkError error = group_->stat(
      predecessor, nullptr,
      [signal = signal_](NodeEvent event) {
        if (event == NodeEvent::DataChanged) {
          signal->notify_data_changed();
        } else {
          signal->notify();
        }
      },
      &watch);
  if (error == ZkError::NoNode) return Step::Again;  // left between the listing and the watch
  if (error != ZkError::Ok) return Step::Retry;
  predecessor_watch_ = std::move(watch);
  if (predecessor != watched_) {
    LOG(INFO) << "election: " << own_ << " follows " << predecessor;
    watched_ = predecessor;
  }
  return Step::Wait;
}

void Candidacy::withdraw() {
  predecessor_watch_.cancel();
  if (group_->state() != GroupState::Connected) {
    // Ephemeral: it goes with the session, or the next candidacy of this session sweeps it.
    LOG(INFO) << "election: candidacy stopped while disconnected";
    return;
  }
  // Also finds a member whose create reply was lost.
  std::vector<Member> ranked;
  if (group_->members(&ranked) == ZkError::Ok) {
    for (const auto& name : members_tagged(ranked, group_->names(), guid_)) group_->cancel(name);
  } else if (!own_.empty()) {
    group_->cancel(own_);
  }
  LOG(INFO) << "election: candidacy under " << group_->path() << " withdrawn";
}

}  // namespace

ZooKeeperContender::ZooKeeperContender(std::shared_ptr<Group> group, ContenderHooks hooks)
    : group_(std::move(group)), hooks_(std::move(hooks)) {}

std::unique_ptr<Term> ZooKeeperContender::contend(const CandidateInfo& me, std::stop_token stop) {
  Candidacy candidacy(group_, me, hooks_);
  return candidacy.run(std::move(stop));
}

}  // namespace scale::cluster
