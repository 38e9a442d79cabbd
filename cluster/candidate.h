#pragma once

// One candidacy in a ZooKeeper leader election, run on the caller's thread.

#include <memory>
#include <stop_token>
#include <string>

#include "cluster/election.h"
#include "cluster/election_hooks.h"
#include "cluster/zk_client.h"

namespace scale::cluster {

// The algorithm behind wait_for_leader, over any ZkClient (unit tests pass a fake):
//  1. create election_path if missing; remove nodes that this session left from an earlier
//     candidacy (they would otherwise lead for nobody);
//  2. create "<election_path>/n_<guid>-" EPHEMERAL|SEQUENTIAL with the JSON of `me`; after a
//     ConnectionLoss, look for a child carrying the guid and adopt it instead of creating again;
//  3. list the children: the lowest sequence leads; anyone else sets an exists-watch on its
//     predecessor only and sleeps until that watch, a session change or `stop`;
//  4. when lowest, claim the term (the node's ephemeralOwner must be this session).
// Returns nullptr when `stop` is requested (its node is then deleted) or the session expires
// or is closed.
std::unique_ptr<Term> run_for_leader(std::shared_ptr<ZkClient> zk, const std::string& election_path,
                                     const CandidateInfo& me, std::stop_token stop,
                                     const ElectionHooks& hooks = {});

}  // namespace scale::cluster
