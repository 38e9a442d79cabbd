#pragma once

// The Contender over the election Group: one candidacy per contend(), run on the caller's thread.

#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "cluster/contender.h"
#include "cluster/group.h"

namespace scale::cluster {

// Observation points of a candidacy, for tests and diagnostics.
struct ContenderHooks {
  // Called on the candidate's thread each time it reads the election's members to decide where
  // it stands: after joining, after its predecessor's watch fired, after a reconnect or an error.
  // A leader's departure must call this only in its successor (tests count calls to prove it).
  std::function<void(const std::string& own_member)> on_evaluate;
};

// A candidacy:
//  1. prepare the group (its path, its ACL); remove members this session left from an earlier
//     candidacy (they would otherwise lead for nobody);
//  2. join with a fresh guid as tag and the JSON of `me` (protected: after a ConnectionLoss the
//     group adopts the member carrying the guid instead of creating another);
//  3. list the members: the lowest sequence leads; anyone else watches its predecessor only and
//     sleeps until that watch, a group state change or `stop`;
//  4. when lowest, claim the term (the node's ephemeralOwner must be this session).
// Ends with nullptr when `stop` is requested (its member is then cancelled) or when the group's
// session expires or closes. One candidacy per group at a time.
class ZooKeeperContender final : public Contender {
 public:
  explicit ZooKeeperContender(std::shared_ptr<Group> group, ContenderHooks hooks = {});

  std::unique_ptr<Term> contend(const CandidateInfo& me, std::stop_token stop) override;

 private:
  const std::shared_ptr<Group> group_;
  const ContenderHooks hooks_;
};

}  // namespace scale::cluster
