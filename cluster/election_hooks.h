#pragma once

// Observation points of a candidacy, for tests and diagnostics.

#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "cluster/election.h"

namespace scale::cluster {

struct ElectionHooks {
  // Called on the candidate's thread each time it reads the election's children to decide where
  // it stands: after joining, after its predecessor's watch fired, after a reconnect or an error.
  // A leader's departure must call this only in its successor (tests count calls to prove it).
  std::function<void(const std::string& own_node)> on_evaluate;
};

// wait_for_leader with hooks.
std::unique_ptr<Term> wait_for_leader(ZkSession& zk, const std::string& election_path,
                                      const CandidateInfo& me, std::stop_token stop,
                                      const ElectionHooks& hooks);

}  // namespace scale::cluster
