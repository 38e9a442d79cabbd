#pragma once

// Integration-test stand-ins for scale-scheduler replicas: each runs the election loop on its own
// thread over its own ensemble (so its own session), and a sampler watches who is acting.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/election.h"
#include "cluster/ensemble.h"
#include "cluster/group.h"
#include "cluster/zookeeper_session.h"

namespace scale::cluster::testing {

using SteadyTime = std::chrono::steady_clock::time_point;

struct TermRecord {
  long long epoch = 0;
  TermEndReason reason = TermEndReason::None;  // None while the term runs
  SteadyTime started;
};

// Loops like a replica: contend, hold the term until it ends, resign, rejoin. Its group opens a
// new session after an expiry.
class TestReplica {
 public:
  TestReplica(std::string replica_id, std::string connect_string,
              std::chrono::milliseconds session_timeout, std::string election_path);
  ~TestReplica();
  TestReplica(const TestReplica&) = delete;
  TestReplica& operator=(const TestReplica&) = delete;

  const std::string& id() const { return id_; }
  // Stops the loop: a follower withdraws its node, a leader resigns.
  void stop();
  // The process dies: a leader's session is closed under its live term (no resign), then the
  // loop ends. A follower just stops.
  void crash();

  bool acting() const;
  std::shared_ptr<Term> term() const;
  // Of the current session, once connected.
  std::optional<ZooKeeperSession::Credentials> credentials() const;
  int evaluations() const { return evaluations_; }
  int sessions_opened() const { return sessions_opened_; }
  std::vector<TermRecord> finished_terms() const;
  // Finished terms and the running one, oldest first.
  std::vector<TermRecord> terms() const;

 private:
  void run(std::stop_token stop);
  void hold(std::shared_ptr<Term> term, std::stop_token stop);

  const std::string id_;
  const std::string connect_string_;
  const std::chrono::milliseconds session_timeout_;
  const std::string election_path_;
  std::atomic<int> evaluations_{0};
  std::atomic<int> sessions_opened_{0};
  std::atomic<bool> crash_requested_{false};
  mutable std::mutex mutex_;
  std::shared_ptr<ZooKeeperSession> session_;  // the latest one opened
  std::shared_ptr<Ensemble> ensemble_;
  std::shared_ptr<Group> group_;
  std::shared_ptr<Term> term_;
  SteadyTime term_started_;
  std::vector<TermRecord> finished_;
  std::jthread thread_;
};

// Samples every replica's acting() about every millisecond.
class ActingSampler {
 public:
  struct Interval {
    size_t replica = 0;
    SteadyTime start;
    SteadyTime end;
  };

  explicit ActingSampler(std::vector<TestReplica*> replicas);
  ~ActingSampler();

  int max_simultaneous() const;
  // Index of the only acting replica at the last sample, or nullopt (none, or several).
  std::optional<size_t> sole_actor() const;
  // Acting intervals so far (an open one ends at the last sample).
  std::vector<Interval> intervals() const;
  // True when no two intervals of different replicas overlap.
  bool intervals_disjoint() const;

 private:
  void run(std::stop_token stop);

  const std::vector<TestReplica*> replicas_;
  mutable std::mutex mutex_;
  int max_simultaneous_ = 0;
  std::vector<bool> last_;
  SteadyTime last_sample_;
  std::vector<std::optional<SteadyTime>> open_since_;
  std::vector<Interval> closed_;
  std::jthread thread_;
};

// Expires a session from the outside the way the ensemble does: attach a second client with the
// same id and password, wait until it is connected, then close it (which ends the session).
bool force_expiry(const std::string& connect_string,
                  const ZooKeeperSession::Credentials& credentials);

// A test's own session with the election group on it, for candidacies run by the test itself.
struct Participant {
  std::shared_ptr<ZooKeeperSession> session;  // the first one; the group renews it after expiry
  std::shared_ptr<Ensemble> ensemble;
  std::shared_ptr<Group> group;
};
// `refresh`: the group's liveness refresh interval (zero: its members never refresh).
Participant participant(const std::string& connect_string, std::chrono::milliseconds timeout,
                        const std::string& election_path,
                        const std::optional<ZkAuth>& auth = std::nullopt,
                        std::chrono::milliseconds refresh = {});

// Every candidate under election_path in sequence order (the first one leads), read now with one
// listing and one read per member: what an operator's zkCli would show.
std::vector<CandidateInfo> list_candidates(Session& session, const std::string& election_path);

}  // namespace scale::cluster::testing
