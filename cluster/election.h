#pragma once

// What the leadership election takes and hands out: a candidate's data, a term of leadership and
// why a term ends. Contender (contender.h) runs for leadership; Detector (detector.h) watches it.

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

namespace scale::cluster {

// JSON data of an election node: {replica_id, api_url, hostname, pid, version, started}.
struct CandidateInfo {
  std::string replica_id;
  std::string api_url;
  std::string hostname;
  long long pid = 0;
  std::string version;
  std::string started;  // ISO-8601 UTC, when the process started
};

enum class TermEndReason { None, Resigned, SessionExpired, SuspendedTooLong, NodeDeleted, Closed };
const char* to_string(TermEndReason reason);

// One term of leadership: a value the leader holds, with its epoch and an "ended" signal.
// Thread-safe. It shares ownership of its group, so it stays safe to use (it ends with Closed)
// even if the rest of the election is torn down first; normally that outlives it. Destroying a
// term that has not ended resigns it.
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
  // Called once when the term ends: from the term's own monitor thread (never the ZooKeeper
  // client thread, so it may call ZooKeeper), from the thread calling resign() or destroying
  // the term, or at once on this thread if the term has already ended.
  virtual void on_end(std::function<void(TermEndReason)> callback) = 0;
  // Ends the term and deletes the election node (one round trip). Best effort: while the
  // session is suspended it does not wait; the node is removed on reconnect or goes with the
  // session. Idempotent.
  virtual void resign() = 0;
};

// Thrown by a candidacy when the ZooKeeper ACL of the election path refuses this session (it has
// no digest credential, or not the one the ACL names): retrying cannot help, an operator must
// give the replica the right --zk_auth_file. what() is one line naming the path; never a secret.
class ElectionAccessDenied : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace scale::cluster
