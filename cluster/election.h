#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "cluster/zk_session.h"

namespace scale::cluster {

// JSON data of an election node: {replica_id, api_url, hostname, pid}.
struct CandidateInfo {
  std::string replica_id;
  std::string api_url;
  std::string hostname;
  long long pid = 0;
};

enum class TermEndReason { None, Resigned, SessionExpired, SuspendedTooLong, NodeDeleted, Closed };
const char* to_string(TermEndReason reason);

// One term of leadership: a value the leader holds, with its epoch and an "ended" signal.
class Term {
 public:
  virtual ~Term() = default;
  // czxid of the leader's election node: strictly increasing across terms in the ensemble.
  virtual long long epoch() const = 0;
  virtual std::string node_path() const = 0;
  // True while the leader may act: term not ended and session not suspended. A suspended leader
  // stops acting at once and the term ends if the suspension outlasts the session timeout.
  virtual bool acting() const = 0;
  virtual bool ended() const = 0;
  virtual TermEndReason end_reason() const = 0;
  // Blocks until the term ends or the timeout passes; true when ended.
  virtual bool wait_ended(std::chrono::milliseconds timeout) = 0;
  // Called once when the term ends (from a ZooKeeper or timer thread).
  virtual void on_end(std::function<void(TermEndReason)> callback) = 0;
  // Deletes the election node and ends the term. Idempotent.
  virtual void resign() = 0;
};

// Runs for leadership under election_path (created if missing) and blocks until this replica
// leads. Returns nullptr when stop is requested or the session expires/closes first (the caller
// then opens a new session and calls again).
std::unique_ptr<Term> wait_for_leader(ZkSession& zk, const std::string& election_path,
                                      const CandidateInfo& me, std::stop_token stop);

// All current candidates in sequence order (the first one leads). Empty on error.
std::vector<CandidateInfo> list_candidates(ZkSession& zk, const std::string& election_path);

}  // namespace scale::cluster
