#pragma once

// Running for leadership: the interface the replica's candidate loop uses. ZooKeeperContender
// runs through the election Group; StandaloneContender is put in charge by its owner (unit
// tests). Mesos' contender is the model: the outcome is a Term, a value with its own end signal.

#include <memory>
#include <stop_token>

#include "cluster/election.h"

namespace scale::cluster {

class Contender {
 public:
  virtual ~Contender() = default;
  // Runs for leadership and blocks until this replica leads. Returns nullptr when `stop` is
  // requested or the session expires or closes first (call again: the next candidacy starts on
  // a fresh session). An empty hostname or a zero pid in `me` is filled in from this process.
  // Throws ElectionAccessDenied when the ZooKeeper ACL refuses to let this replica join.
  virtual std::unique_ptr<Term> contend(const CandidateInfo& me, std::stop_token stop) = 0;
};

}  // namespace scale::cluster
