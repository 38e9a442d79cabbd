#include "cluster/candidate.h"

#include <glog/logging.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <vector>

#include "cluster/candidate_info.h"
#include "cluster/election_nodes.h"
#include "cluster/zk_paths.h"
#include "cluster/zk_term.h"

namespace scale::cluster {
namespace {

// Pause after an operation failed while the session still looked connected (the state change
// usually follows within milliseconds and wakes the candidate earlier).
constexpr std::chrono::milliseconds kRetryDelay{100};

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

// Wakes the candidate's thread: a watch fired or the session changed. A generation counter
// makes a wake-up that arrives before the wait impossible to miss.
class WakeSignal {
 public:
  void notify() {
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
};

enum class Step {
  Done,   // this phase finished; go on
  Again,  // the world changed under us; look again at once
  Wait,   // nothing to do until a watch or session change
  Retry,  // an operation failed; look again after kRetryDelay or a session change
};

class Candidate {
 public:
  Candidate(std::shared_ptr<ZkClient> zk, const std::string& election_path, const CandidateInfo& me,
            const ElectionHooks& hooks)
      : zk_(std::move(zk)),
        election_path_(normalize_path(election_path)),
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
  void restrict_acl();
  void withdraw();
  std::string path_of(const std::string& child) const { return join_path(election_path_, child); }

  const std::shared_ptr<ZkClient> zk_;
  const std::string election_path_;
  const std::string guid_;
  const std::string data_;
  const ElectionHooks& hooks_;
  const std::shared_ptr<WakeSignal> signal_ = std::make_shared<WakeSignal>();
  bool prepared_ = false;
  std::string own_;      // our node's name once created or adopted
  std::string watched_;  // the predecessor we watch, for logging changes only
  Subscription predecessor_watch_;
};

std::unique_ptr<Term> Candidate::run(std::stop_token stop) {
  Subscription session = zk_->subscribe([signal = signal_](SessionState) { signal->notify(); });
  while (true) {
    const uint64_t seen = signal_->generation();
    if (stop.stop_requested()) {
      withdraw();
      return nullptr;
    }
    const SessionState state = zk_->state();
    if (state == SessionState::Expired || state == SessionState::Closed) {
      LOG(WARNING) << "election: session " << to_string(state) << "; candidacy over";
      return nullptr;
    }
    Step step = Step::Wait;  // while not connected, only a session change can help
    if (state == SessionState::Connected) {
      std::unique_ptr<Term> term;
      step = attempt(&term);
      if (term) return term;
    }
    if (step == Step::Again) continue;
    signal_->wait(seen, stop, step == Step::Retry ? std::optional(kRetryDelay) : std::nullopt);
  }
}

Step Candidate::attempt(std::unique_ptr<Term>* term) {
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

Step Candidate::prepare() {
  ZkError error = ensure_path(*zk_, election_path_);
  if (error == ZkError::NoAuth) access_denied(election_path_, "create it or join under it");
  std::vector<std::string> children;
  if (error == ZkError::Ok) error = zk_->get_children(election_path_, &children);
  if (error == ZkError::NoAuth) access_denied(election_path_, "list the candidates");
  if (error != ZkError::Ok) {
    LOG(WARNING) << "election: cannot prepare " << election_path_ << ": " << to_string(error);
    return Step::Retry;
  }
  // A node this session made in an earlier candidacy (its term ended while disconnected) would
  // lead for nobody and block everyone behind it.
  const long long session = zk_->session_id();
  const std::string own_prefix = node_prefix(guid_);
  for (const auto& node : rank_nodes(children)) {
    if (node.name.starts_with(own_prefix)) continue;  // ours: adopted by join()
    ZkStat stat;
    if (zk_->exists(path_of(node.name), &stat) == ZkError::Ok && stat.ephemeral_owner == session) {
      LOG(INFO) << "election: removing " << path_of(node.name) << " left by this session";
      zk_->remove(path_of(node.name));
    }
  }
  restrict_acl();
  prepared_ = true;
  return Step::Done;
}

void Candidate::restrict_acl() {
  bool changed = false;
  const ZkError error = zk_->restrict_acl(election_path_, &changed);
  if (changed) {
    LOG(WARNING) << "election: " << election_path_ << " was writable without the credential "
                 << "(created before --zk_auth_file was set); its ACL now allows only the "
                 << "credential's holders to join (READ stays open)";
  } else if (error != ZkError::Ok) {
    // Not fatal: the path stays as protected as it was; the next candidacy tries again.
    LOG(WARNING) << "election: cannot restrict the ACL of " << election_path_ << ": "
                 << to_string(error);
  }
}

Step Candidate::join() {
  std::vector<std::string> children;
  ZkError error = zk_->get_children(election_path_, &children);
  if (error == ZkError::NoAuth) access_denied(election_path_, "list the candidates");
  if (error == ZkError::NoNode) prepared_ = false;
  if (error != ZkError::Ok) return error == ZkError::NoNode ? Step::Again : Step::Retry;
  // A create whose reply was lost may have succeeded: adopt the node instead of adding another.
  const std::vector<std::string> mine = nodes_of_guid(rank_nodes(children), guid_);
  if (!mine.empty()) {
    own_ = mine.front();
    LOG(INFO) << "election: adopted " << path_of(own_) << " (its create reply was lost)";
    for (size_t i = 1; i < mine.size(); ++i) zk_->remove(path_of(mine[i]));
    return Step::Done;
  }
  std::string created;
  error =
      zk_->create(path_of(node_prefix(guid_)), data_, CreateMode::EphemeralSequential, &created);
  if (error == ZkError::Ok) {
    own_ = base_name(created);
    LOG(INFO) << "election: joined as " << created << " (session " << hex_id(zk_->session_id())
              << ")";
    return Step::Done;
  }
  if (error == ZkError::NoAuth) access_denied(election_path_, "join under it");
  if (error == ZkError::NoNode) prepared_ = false;
  LOG(WARNING) << "election: create under " << election_path_ << " failed: " << to_string(error);
  return error == ZkError::NoNode ? Step::Again : Step::Retry;
}

Step Candidate::evaluate(std::unique_ptr<Term>* term) {
  std::vector<std::string> children;
  const ZkError error = zk_->get_children(election_path_, &children);
  if (error == ZkError::NoNode) {
    prepared_ = false;
    own_.clear();
    return Step::Again;
  }
  if (error != ZkError::Ok) return Step::Retry;
  const Standing standing = standing_of(rank_nodes(children), own_);
  if (hooks_.on_evaluate) hooks_.on_evaluate(own_);
  switch (standing.position) {
    case Position::Missing:
      LOG(WARNING) << "election: " << path_of(own_) << " vanished; joining again";
      own_.clear();
      return Step::Again;
    case Position::Leader:
      return claim(term);
    case Position::Follower:
      return watch_predecessor(standing.predecessor);
  }
  return Step::Retry;
}

Step Candidate::claim(std::unique_ptr<Term>* term) {
  ZkTerm::Claim claim = ZkTerm::claim(zk_, path_of(own_));
  switch (claim.outcome) {
    case ZkTerm::ClaimOutcome::Claimed:
      LOG(INFO) << "election: " << path_of(own_) << " leads, epoch " << claim.term->epoch();
      own_.clear();  // the term owns the node from now on
      predecessor_watch_.cancel();
      *term = std::move(claim.term);
      return Step::Done;
    case ZkTerm::ClaimOutcome::NodeMissing:
      own_.clear();
      return Step::Again;
    case ZkTerm::ClaimOutcome::NotOwner:
      LOG(ERROR) << "election: lowest node " << path_of(own_) << " belongs to session "
                 << hex_id(claim.owner) << ", not " << hex_id(zk_->session_id())
                 << "; not claiming";
      return Step::Retry;
    case ZkTerm::ClaimOutcome::Failed:
      return Step::Retry;
  }
  return Step::Retry;
}

Step Candidate::watch_predecessor(const std::string& predecessor) {
  Subscription watch;
  const ZkError error = zk_->exists(
      path_of(predecessor), nullptr, [signal = signal_](NodeEvent) { signal->notify(); }, &watch);
  if (error == ZkError::NoNode) return Step::Again;  // left between the listing and the watch
  if (error != ZkError::Ok) return Step::Retry;
  predecessor_watch_ = std::move(watch);
  if (predecessor != watched_) {
    LOG(INFO) << "election: " << own_ << " follows " << predecessor;
    watched_ = predecessor;
  }
  return Step::Wait;
}

void Candidate::withdraw() {
  predecessor_watch_.cancel();
  if (zk_->state() != SessionState::Connected) {
    // Ephemeral: it goes with the session, or the next candidacy of this session sweeps it.
    LOG(INFO) << "election: candidacy stopped while disconnected";
    return;
  }
  // Also finds a node whose create reply was lost.
  std::vector<std::string> children;
  if (zk_->get_children(election_path_, &children) == ZkError::Ok) {
    for (const auto& name : nodes_of_guid(rank_nodes(children), guid_)) {
      zk_->remove(path_of(name));
    }
  } else if (!own_.empty()) {
    zk_->remove(path_of(own_));
  }
  LOG(INFO) << "election: candidacy under " << election_path_ << " withdrawn";
}

}  // namespace

std::unique_ptr<Term> run_for_leader(std::shared_ptr<ZkClient> zk, const std::string& election_path,
                                     const CandidateInfo& me, std::stop_token stop,
                                     const ElectionHooks& hooks) {
  Candidate candidate(std::move(zk), election_path, me, hooks);
  return candidate.run(std::move(stop));
}

}  // namespace scale::cluster
