#pragma once

// The Term a ZooKeeperContender hands out: one term of leadership held through one member of the
// election Group.

#include <memory>
#include <string>
#include <thread>

#include "cluster/election.h"
#include "cluster/group.h"

namespace scale::cluster {

// Ends (exactly once) when the session expires or is closed, when the group stays suspended
// longer than the session timeout, when the node is deleted, or on resign(). acting() turns
// false the moment the group is suspended and true again on reconnect while not ended; it is
// also false once the session has gone unconfirmed for most of its timeout (a lease renewed by a
// round trip every quarter of the timeout), so a process that was frozen past its session stops
// acting as soon as it resumes, before its client learns of the expiry.
//
// Threading: ZooKeeper and group events only update state under a mutex; a monitor thread owned
// by the term re-arms the node watch after a reconnect, confirms a deletion, and calls the on_end
// callbacks for asynchronous ends; a lease thread sends the probes. resign() and the destructor
// call back on the caller's thread. ended()/wait_ended() turn true just before the callbacks run.
// A node that may outlive an ended term is cancelled through the group, which deletes it once
// the session is back (it would otherwise keep leading for nobody).
//
// Lifetime: the term shares ownership of its group, so it stays memory-safe however the owners
// are destroyed. Do not destroy a term from a group or session state callback.
class ZooKeeperTerm final : public Term {
 public:
  enum class ClaimOutcome { Claimed, NodeMissing, NotOwner, Failed };
  struct Claim {
    ClaimOutcome outcome = ClaimOutcome::Failed;
    ZkError error = ZkError::Ok;  // the failed operation's error when outcome is Failed
    long long owner = 0;          // the node's ephemeralOwner when outcome is NotOwner
    std::unique_ptr<ZooKeeperTerm> term;
  };

  // Starts watching the group and the member's node, then checks that the node exists and that
  // its ephemeralOwner is the group's session. Only then is there a term (epoch = its czxid).
  static Claim claim(std::shared_ptr<Group> group, const std::string& member);

  // Resigns (best effort) and stops the threads.
  ~ZooKeeperTerm() override;

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
  explicit ZooKeeperTerm(std::shared_ptr<Core> core);

  std::shared_ptr<Core> core_;
  std::jthread monitor_;
  std::jthread lease_;  // renews the lease acting() needs (see Core::confirmed_until)
};

}  // namespace scale::cluster
