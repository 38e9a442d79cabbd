#include "tests/integration/cluster/test_replica.h"

#include <algorithm>

#include "cluster/candidate_info.h"
#include "cluster/zookeeper_contender.h"
#include "tests/support/servers.h"

namespace scale::cluster::testing {

using std::chrono::milliseconds;

TestReplica::TestReplica(std::string replica_id, std::string connect_string,
                         milliseconds session_timeout, std::string election_path)
    : id_(std::move(replica_id)),
      connect_string_(std::move(connect_string)),
      session_timeout_(session_timeout),
      election_path_(std::move(election_path)) {
  ensemble_ = std::make_shared<Ensemble>([this] {
    auto fresh = ZooKeeperSession::open(connect_string_, session_timeout_);
    ++sessions_opened_;
    std::lock_guard lock(mutex_);
    session_ = fresh;
    return fresh;
  });
  group_ = std::make_shared<Group>(ensemble_, election_path_, election_members());
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

TestReplica::~TestReplica() {
  stop();
}

void TestReplica::stop() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

void TestReplica::crash() {
  crash_requested_ = true;
  stop();
}

bool TestReplica::acting() const {
  std::shared_ptr<Term> current = term();
  return current != nullptr && current->acting();
}

std::shared_ptr<Term> TestReplica::term() const {
  std::lock_guard lock(mutex_);
  return term_;
}

std::optional<ZooKeeperSession::Credentials> TestReplica::credentials() const {
  std::lock_guard lock(mutex_);
  if (!session_ || session_->state() != SessionState::Connected) return std::nullopt;
  return session_->credentials();
}

std::vector<TermRecord> TestReplica::finished_terms() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

std::vector<TermRecord> TestReplica::terms() const {
  std::lock_guard lock(mutex_);
  std::vector<TermRecord> all = finished_;
  if (term_) all.push_back({term_->epoch(), TermEndReason::None, term_started_});
  return all;
}

void TestReplica::run(std::stop_token stop) {
  ContenderHooks hooks;
  hooks.on_evaluate = [this](const std::string&) { ++evaluations_; };
  ZooKeeperContender contender(group_, hooks);
  const CandidateInfo me{id_, "http://" + id_ + ":8000", "", 0, "", ""};
  while (!stop.stop_requested() && !crash_requested_) {
    std::unique_ptr<Term> term = contender.contend(me, stop);
    if (term) hold(std::shared_ptr<Term>(std::move(term)), stop);
  }
  ensemble_->close();
}

void TestReplica::hold(std::shared_ptr<Term> term, std::stop_token stop) {
  {
    std::lock_guard lock(mutex_);
    term_ = term;
    term_started_ = std::chrono::steady_clock::now();
  }
  while (!term->ended() && !stop.stop_requested() && !crash_requested_) {
    term->wait_ended(milliseconds(10));
  }
  if (crash_requested_) {
    ensemble_->close();  // the session dies under the live term: nobody resigns
    term->wait_ended(milliseconds(5000));
  }
  term->resign();  // as scale-scheduler does after every term: hands over at once
  std::lock_guard lock(mutex_);
  finished_.push_back({term->epoch(), term->end_reason(), term_started_});
  term_.reset();
}

// ---------------------------------------------------------------- ActingSampler

ActingSampler::ActingSampler(std::vector<TestReplica*> replicas)
    : replicas_(std::move(replicas)),
      last_(replicas_.size(), false),
      open_since_(replicas_.size()),
      thread_([this](std::stop_token stop) { run(stop); }) {}

ActingSampler::~ActingSampler() {
  thread_.request_stop();
  thread_.join();
}

void ActingSampler::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::vector<bool> now_acting;
    for (TestReplica* replica : replicas_) now_acting.push_back(replica->acting());
    const SteadyTime now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mutex_);
      const int count = static_cast<int>(std::count(now_acting.begin(), now_acting.end(), true));
      max_simultaneous_ = std::max(max_simultaneous_, count);
      for (size_t i = 0; i < replicas_.size(); ++i) {
        if (now_acting[i] && !open_since_[i]) open_since_[i] = now;
        if (!now_acting[i] && open_since_[i]) {
          closed_.push_back({i, *open_since_[i], last_sample_});
          open_since_[i].reset();
        }
      }
      last_ = now_acting;
      last_sample_ = now;
    }
    std::this_thread::sleep_for(milliseconds(1));  // the sampling period, not a synchronization
  }
}

int ActingSampler::max_simultaneous() const {
  std::lock_guard lock(mutex_);
  return max_simultaneous_;
}

std::optional<size_t> ActingSampler::sole_actor() const {
  std::lock_guard lock(mutex_);
  std::optional<size_t> actor;
  for (size_t i = 0; i < last_.size(); ++i) {
    if (!last_[i]) continue;
    if (actor) return std::nullopt;
    actor = i;
  }
  return actor;
}

std::vector<ActingSampler::Interval> ActingSampler::intervals() const {
  std::lock_guard lock(mutex_);
  std::vector<Interval> all = closed_;
  for (size_t i = 0; i < open_since_.size(); ++i) {
    if (open_since_[i]) all.push_back({i, *open_since_[i], last_sample_});
  }
  std::sort(all.begin(), all.end(),
            [](const Interval& a, const Interval& b) { return a.start < b.start; });
  return all;
}

bool ActingSampler::intervals_disjoint() const {
  const std::vector<Interval> all = intervals();
  for (size_t i = 0; i < all.size(); ++i) {
    for (size_t j = i + 1; j < all.size(); ++j) {
      const bool overlap = all[j].start <= all[i].end && all[i].start <= all[j].end;
      if (all[i].replica != all[j].replica && overlap) return false;
    }
  }
  return true;
}

bool force_expiry(const std::string& connect_string,
                  const ZooKeeperSession::Credentials& credentials) {
  // The owner reconnects at once when the imposter takes its connection over, and takes it back
  // in turn; an imposter that is no longer connected when closed leaves the session alive. So
  // attach again until an attach finds the session gone.
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(20000);
  while (std::chrono::steady_clock::now() < deadline) {
    auto imposter =
        ZooKeeperSession::open(connect_string, milliseconds(4000), std::nullopt, &credentials);
    test::wait_until(
        [&] {
          const SessionState state = imposter->state();
          return state == SessionState::Connected || state == SessionState::Expired;
        },
        milliseconds(5000));
    if (imposter->state() == SessionState::Expired) return true;
  }  // closing a connected imposter closes the shared session on the server
  return false;
}

Participant participant(const std::string& connect_string, milliseconds timeout,
                        const std::string& election_path, const std::optional<ZkAuth>& auth,
                        milliseconds refresh) {
  Participant made;
  made.session = ZooKeeperSession::open(connect_string, timeout, auth);
  made.ensemble = std::make_shared<Ensemble>(
      [first = made.session, connect_string, timeout, auth, used = false]() mutable {
        if (!std::exchange(used, true)) return std::static_pointer_cast<Session>(first);
        return Session::open(connect_string, timeout, auth);
      });
  made.session->wait_connected(milliseconds(10000));
  made.group = std::make_shared<Group>(made.ensemble, election_path, election_members(), refresh);
  return made;
}

std::vector<CandidateInfo> list_candidates(Session& session, const std::string& election_path) {
  std::vector<std::string> children;
  if (session.get_children(election_path, &children) != ZkError::Ok) return {};
  std::vector<Member> members = rank_members(children, election_members());
  for (Member& member : members) {
    session.get(election_path + "/" + member.name, &member.data, nullptr);
  }
  return candidates(members);
}

}  // namespace scale::cluster::testing
