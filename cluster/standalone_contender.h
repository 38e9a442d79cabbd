#pragma once

// A Contender without ZooKeeper, for unit tests (Mesos' standalone contender is the model): the
// owner decides who leads. contend() blocks until appoint() puts this contender in charge, and
// the owner ends or suspends the term it got on demand, with any reason a real election has.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "cluster/contender.h"

namespace scale::cluster {

class StandaloneTerm;

// Thread-safe.
class StandaloneContender final : public Contender {
 public:
  StandaloneContender();
  ~StandaloneContender() override;

  std::unique_ptr<Term> contend(const CandidateInfo& me, std::stop_token stop) override;

  // Puts this contender in charge with `epoch` (must grow from term to term, as a czxid does):
  // the contend() waiting now, or the next one, returns a term with it. A term still running
  // ends first (NodeDeleted, as when a leader's node goes).
  void appoint(long long epoch);
  // Ends the running term, if any, with `reason`.
  void depose(TermEndReason reason);
  // A suspended term does not act (a lost connection); it acts again once resumed.
  void suspend(bool suspended);
  // Who contends now (while contend() waits), or nullopt.
  std::optional<CandidateInfo> candidate() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::optional<long long> appointed_;  // an epoch waiting for contend()
  std::optional<CandidateInfo> candidate_;
  std::shared_ptr<StandaloneTerm> running_;
};

}  // namespace scale::cluster
