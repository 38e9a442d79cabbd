// FaultRunner::settle: after a fault, waiting for the cluster to be whole again, and timing each
// step of the recovery from the fault's measured_from.

#include <algorithm>
#include <utility>
#include <vector>

#include "faults.h"

namespace scale::drill {

void FaultRunner::settle(FaultRecord& rec, int excluded) {
  // The fault was undone just now (or never needed undoing): --recover_s from here.
  const double deadline = wall_now() + options_.recover_s;
  SettleProgress progress;
  rec.settled = wait_until(deadline, [&] { return settled_now(rec, excluded, progress); });
  if (!rec.settled) report_unsettled(rec, progress);
}

bool FaultRunner::settled_now(FaultRecord& rec, int excluded, SettleProgress& progress) {
  if (!rec.leader_ms) note_leader(rec, excluded);
  if (!rec.status_ms) note_status(rec, excluded);
  if (!rec.launch_ms && options_.rate > 0) note_launch(rec, excluded);
  progress.replicas_ok = replicas_answering(rec.measured_from);
  const bool done = rec.leader_ms && rec.status_ms && (rec.launch_ms || options_.rate <= 0) &&
                    progress.replicas_ok;
  // The ensemble is checked last: three TCP round trips.
  progress.zk_checked = done;
  progress.zk_ok = done && zk_serving_all();
  progress.mesos_missing = progress.zk_ok ? mesos_.unsettled() : "";
  return done && progress.zk_ok && progress.mesos_missing.empty();
}

// The earliest replica seen leading since the fault that its own /v6/leader/ confirms.
void FaultRunner::note_leader(FaultRecord& rec, int excluded) {
  const double t = rec.measured_from;
  std::vector<std::pair<double, int>> seen;
  for (const auto& w : replicas_) {
    if (w->replica().index == excluded) continue;
    if (auto at = w->first_role_at_or_after(Role::Leader, t)) {
      seen.emplace_back(*at, w->replica().index);
    }
  }
  std::sort(seen.begin(), seen.end());
  for (const auto& [at, index] : seen) {
    if (auto leader = confirm_leader(index)) {
      rec.leader_ms = ms_between(t, at);
      rec.leader_after = leader->name;
      rec.epoch_after = leader->epoch;
      return;
    }
  }
}

void FaultRunner::note_status(FaultRecord& rec, int excluded) {
  const double t = rec.measured_from;
  std::optional<double> first;
  for (const auto& w : replicas_) {
    // After a leader change, only the new term's documents count.
    const long long old_epoch = excluded ? rec.epoch_before : 0;
    if (auto ts = w->first_status_at_or_after(t, old_epoch); ts && (!first || *ts < *first)) {
      first = ts;
    }
  }
  if (first) rec.status_ms = ms_between(t, *first);
}

void FaultRunner::note_launch(FaultRecord& rec, int excluded) {
  const double t = rec.measured_from;
  // After a leader change, a launch the old leader sent just before the fault does not count.
  if (auto at = mesos_.first_launch_at_or_after(t, excluded != 0)) {
    rec.launch_ms = ms_between(t, *at);
  }
}

// Every replica answers again, and exactly one of them says it leads.
bool FaultRunner::replicas_answering(double since) const {
  int leaders = 0;
  bool answering = true;
  for (const auto& w : replicas_) {
    auto [role, at] = w->last_role();
    if (role == Role::Leader) ++leaders;
    if ((role != Role::Leader && role != Role::Follower) || at < since) answering = false;
  }
  return answering && leaders == 1;
}

void FaultRunner::report_unsettled(FaultRecord& rec, const SettleProgress& progress) {
  std::string missing;
  if (!rec.leader_ms) missing += " a confirmed leader,";
  if (!rec.status_ms) missing += " a status document written after the fault,";
  if (!rec.launch_ms && options_.rate > 0) missing += " a launch after the fault,";
  if (!progress.replicas_ok) missing += " every replica answering with exactly one leader,";
  if (progress.zk_checked && !progress.zk_ok) missing += " all three ZooKeeper servers serving,";
  missing += progress.mesos_missing;
  if (!missing.empty()) missing.pop_back();
  rec.note += interrupted_ ? std::string("interrupted; ")
                           : "did not settle within " + std::to_string(options_.recover_s) +
                                 " s, missing" + missing + "; ";
  if (!interrupted_) {
    violations_.add("recovery", std::string("fault #") + std::to_string(rec.number) + " " +
                                    kind_name(rec.kind) + ": " + rec.note);
  }
}

}  // namespace scale::drill
