// The scheduling core's kills and deadlines: tasks the master never found again, executions past
// their job's timeout_s, executions on an agent unreachable for too long, and the KILLs (each with
// its job's grace) the KillBook sends and resends for them.
#include <glog/logging.h>

#include "db/error.h"
#include "scheduler/scheduling_core.h"

namespace scale::scheduler {

// Tasks the master kept calling TASK_UNKNOWN for the reconciler's whole patience (their agent never
// re-registered) are finished as lost, through the same path as a Mesos update, so their jobs are
// retried. Should one turn up after all, the database no longer knows it as live: it is killed.
void SchedulingCore::give_up_unknown(Clock::time_point now) {
  for (const auto& task : reconciler_.take_given_up(now)) {
    LOG(WARNING) << "leader: task " << task.task_id
                 << " stayed unknown to the Mesos master; finishing it as lost";
    updates_.add_lost(task);
  }
}

void SchedulingCore::want_kill(const db::KillTarget& target) {
  kills_.want({target.task_id, target.agent_id, target.kill_grace_s});
}

void SchedulingCore::send_kills(Clock::time_point now) {
  if (!subscribed_) return;
  const uint64_t resends = kills_.resends();
  for (const auto& kill : kills_.take_due(now))
    mesos_.kill(kill.task_id, kill.agent_id, kill.grace_s);
  counters_.kill_resends += kills_.resends() - resends;
}

// Only once reconciliation has answered: the database may still say UNREACHABLE for a task whose
// agent came back while no leader was listening. Read errors wait for the next sweep.
void SchedulingCore::expire_unreachable() {
  if (!reconciler_.ready_to_launch()) return;
  std::vector<db::KillTarget> expired;
  try {
    expired = db_.unreachable_expired(options_.unreachable_timeout_s);
  } catch (const db::FencedOut&) {
    throw;
  } catch (const db::Error& e) {
    LOG(WARNING) << "leader: reading unreachable executions failed: " << e.what();
    return;
  }
  for (const auto& target : expired) {
    LOG(WARNING) << "leader: task " << target.task_id << " unreachable for longer than "
                 << options_.unreachable_timeout_s << " s; ending it and retrying its job";
    updates_.add_unreachable_expired({target.task_id, target.agent_id},
                                     options_.unreachable_timeout_s);
    expiring_.push_back(target);
  }
}

// After the commit that ended or marked them: the KILL may find them (the master does not keep a
// KILL for an unreachable agent, spec B.3; a task that comes back is killed then).
void SchedulingCore::kill_past_deadlines(const TurnResult& result) {
  for (const auto& target : result.timed_out) {
    LOG(WARNING) << "leader: task " << target.task_id << " of job " << target.job_id
                 << " ran past its timeout_s; killing it";
    want_kill(target);
    ++counters_.job_timeouts;
  }
  for (const auto& target : expiring_) {
    want_kill(target);
    ++counters_.unreachable_expired;
  }
  expiring_.clear();
}

}  // namespace scale::scheduler
