#pragma once

// The tasks the leader believes alive this term (launched by it, or loaded at promotion), for
// each the uuid of its last update committed, and the uuids of the last updates of tasks that
// ended lately (Mesos redelivers a terminal update until its ACKNOWLEDGE lands, too).

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "scheduler/mesos/mesos_event.h"
#include "scheduler/queue/resources.h"
#include "scheduler/reconciler.h"

namespace scale::scheduler {

struct LiveTask {
  long long job_id = 0;
  std::string agent_id;
  queue::Resources resources;  // zero for a task loaded at promotion (not stored with it)
  std::string stored_uuid;     // of its last update committed (a redelivery of it is only acked)
  bool heard_from = true;      // false from its launch until its first update is committed
};

class LiveTasks {
 public:
  using ById = std::unordered_map<std::string, LiveTask>;  // by task id

  // A task just launched: in flight until its first update is committed.
  void add_launched(const std::string& task_id, LiveTask task);
  // A task found in the database (promotion, a commit reported failed). False, changing nothing,
  // when the task is tracked already.
  bool add_if_new(const std::string& task_id, long long job_id, const std::string& agent_id);
  bool contains(const std::string& task_id) const { return tasks_.count(task_id) > 0; }
  // An update whose uuid is the one stored last for its task, alive or lately ended: Mesos resends
  // until acknowledged.
  bool is_stored_redelivery(const mesos::TaskStatus& status) const;
  // A committed update: a terminal one ends the task, another one's uuid is remembered.
  void on_committed(const mesos::TaskStatus& status);

  std::vector<Reconciler::Task> to_reconcile() const;
  const ById& all() const { return tasks_; }
  size_t size() const { return tasks_.size(); }
  // Launched this term and not heard from yet: the launches in flight.
  size_t unheard() const { return unheard_; }

  // How many ended tasks' last uuids are kept; older ones are forgotten first.
  static constexpr size_t kEndedRemembered = 100000;

 private:
  void remember_ended(const std::string& task_id, const std::string& uuid);

  ById tasks_;
  size_t unheard_ = 0;
  std::unordered_map<std::string, std::string> ended_uuids_;  // task id -> last uuid stored
  std::deque<std::string> ended_order_;                       // task ids, oldest first
};

}  // namespace scale::scheduler
