// The scheduling core's task status updates: each stored once (a redelivery of a stored one is
// only acknowledged again), acknowledged only after the turn's commit, and the reconciliation
// requests whose answers come back as updates.
#include <glog/logging.h>

#include "scheduler/scheduling_core.h"

namespace scale::scheduler {
namespace {

bool is_finished(db::JobTransition transition) {
  return transition == db::JobTransition::Completed || transition == db::JobTransition::Failed ||
         transition == db::JobTransition::Canceled;
}

}  // namespace

void SchedulingCore::on_update(const mesos::TaskStatus& status) {
  if (live_tasks_.is_stored_redelivery(status)) {
    // Stored already (Mesos resends until acknowledged): acknowledge again, write nothing.
    mesos_.acknowledge(status);
    ++counters_.redeliveries;
    return;
  }
  updates_.add(status);
}

void SchedulingCore::handle_outcomes(const TurnResult& result, Clock::time_point now) {
  const auto& statuses = updates_.statuses();
  const size_t count = std::min(result.outcomes.size(), updates_.taken());
  for (size_t i = 0; i < count; ++i) {
    handle_outcome(statuses[i], result.outcomes[i], now);
    LatencySamples::add(latencies_.update_to_ack_s, Clock::now() - updates_.arrived()[i]);
  }
  updates_.committed();
}

void SchedulingCore::handle_outcome(const mesos::TaskStatus& status,
                                    const db::UpdateOutcome& outcome, Clock::time_point now) {
  // Committed: safe to let Mesos forget it.
  if (mesos_.acknowledge(status)) ++counters_.acknowledgements;
  // Only a task the leader tracks is asked about again; another one is killed, or done.
  const bool live = live_tasks_.contains(status.task_id);
  reconciler_.answered(status.task_id,
                       live ? Reconciler::answer_of(status.state) : Reconciler::Answer::Settled,
                       status.agent_id, now);
  ++counters_.task_updates;
  if (mesos::is_terminal_task_state(status.state)) ++counters_.tasks_finished;
  live_tasks_.on_committed(status);
  if (mesos::is_terminal_task_state(status.state)) kills_.ended(status.task_id);
  if (is_finished(outcome.transition)) ++counters_.jobs_finished;
  if (outcome.requeued) queue_job(to_queued(*outcome.requeued));
  if (outcome.kill) {
    // Unknown, or alive again after its execution ended (an agent back from a partition, an
    // execution ended for a timeout): the job has moved on, so this copy must go.
    LOG(INFO) << "leader: killing task " << status.task_id
              << ": the database knows no live execution for it";
    want_kill({outcome.job_id, status.task_id, status.agent_id, outcome.kill_grace_s});
  }
}

void SchedulingCore::send_reconciliation(Clock::time_point now) {
  const auto due = reconciler_.poll(now);
  if (!due.explicit_tasks.empty()) {
    std::vector<mesos::TaskToReconcile> tasks;
    tasks.reserve(due.explicit_tasks.size());
    for (const auto& task : due.explicit_tasks) tasks.push_back({task.task_id, task.agent_id});
    LOG(INFO) << "leader: explicit reconciliation of " << tasks.size() << " task(s)";
    mesos_.reconcile(tasks);
    ++counters_.reconciliation_rounds;
  }
  if (due.implicit) {
    LOG(INFO) << "leader: implicit reconciliation";
    mesos_.reconcile({});
    ++counters_.reconciliation_rounds;
  }
}

}  // namespace scale::scheduler
