#pragma once

#include <optional>
#include <string>

#include "options.h"

namespace scale::drill {

// One injected fault and what the drill measured after it (faults.h runs them).
struct FaultRecord {
  int number = 0;
  FaultKind kind = FaultKind::Kill;
  std::string target;      // what was hit: replica-2, zk-3, agent id, master-1, ...
  double injected_at = 0;  // wall seconds
  // Times are measured from here: the injection, or for zk-quorum and pg-restart the moment the
  // service was back (nothing can be elected or written before that).
  double measured_from = 0;
  std::optional<double> leader_ms;  // a replica answered /leaderhealth 200 (new or the same)
  std::optional<double> status_ms;  // the first status document written after measured_from
  std::optional<double> launch_ms;  // the first launch Mesos saw after measured_from
  std::optional<double> rejoin_ms;  // the victim replica back as follower after its restore
  std::string leader_before, leader_after;
  long long epoch_before = 0, epoch_after = 0;
  bool settled = false;
  std::string note;  // why it did not settle, or what else happened
};

}  // namespace scale::drill
