#pragma once

// The Term handed out by wait_for_leader: one term of leadership held through one election node.

#include <memory>
#include <string>
#include <thread>

#include "cluster/election.h"
#include "cluster/zk_client.h"

namespace scale::cluster {

// Ends (exactly once) when the session expires or is closed, when the session stays Suspended
// longer than its negotiated timeout, when the node is deleted, or on resign(). acting() turns
// false the moment the session is Suspended and true again on reconnect while not ended; it is
// also false once the session has gone unconfirmed for most of its timeout (a lease renewed by a
// round trip every quarter of the timeout), so a process that was frozen past its session stops
// acting as soon as it resumes, before its client learns of the expiry.
//
// Threading: ZooKeeper events only update state under a mutex; a monitor thread owned by the
// term runs the suspension timer, re-arms the node watch after a reconnect, calls the on_end
// callbacks for asynchronous ends, and deletes the node if it may still exist once the term is
// over (e.g. after SuspendedTooLong, when the session comes back). resign() and the destructor
// call back on the caller's thread. ended()/wait_ended() turn true just before the callbacks run.
//
// Lifetime: the term shares ownership of the session's client, so it stays memory-safe if the
// ZkSession is destroyed first (it then ends with Closed); in normal use the ZkSession outlives
// its terms. Do not destroy a term from a ZkSession state callback.
class ZkTerm final : public Term {
 public:
  enum class ClaimOutcome { Claimed, NodeMissing, NotOwner, Failed };
  struct Claim {
    ClaimOutcome outcome = ClaimOutcome::Failed;
    ZkError error = ZkError::Ok;  // the failed operation's error when outcome is Failed
    long long owner = 0;          // the node's ephemeralOwner when outcome is NotOwner
    std::unique_ptr<ZkTerm> term;
  };

  // Starts watching the session and node_path, then checks that the node exists and that its
  // ephemeralOwner is this client's session. Only then is there a term (epoch = its czxid).
  static Claim claim(std::shared_ptr<ZkClient> client, const std::string& node_path);

  // Resigns (best effort) and stops the monitor thread.
  ~ZkTerm() override;

  long long epoch() const override;
  std::string node_path() const override;
  bool acting() const override;
  bool ended() const override;
  TermEndReason end_reason() const override;
  bool wait_ended(std::chrono::milliseconds timeout) override;
  void on_end(std::function<void(TermEndReason)> callback) override;
  void resign() override;

 private:
  struct Core;
  explicit ZkTerm(std::shared_ptr<Core> core);

  std::shared_ptr<Core> core_;
  std::jthread monitor_;
  std::jthread lease_;  // renews the lease acting() needs (see Core::confirmed_until)
};

}  // namespace scale::cluster
