#pragma once

// The tasks the leader believes alive this term (launched by it, or loaded at promotion), and for
// each the uuid of its last update committed.

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
};

class LiveTasks {
 public:
  using ById = std::unordered_map<std::string, LiveTask>;  // by task id

  void add(const std::string& task_id, LiveTask task) { tasks_[task_id] = std::move(task); }
  // False, changing nothing, when the task is tracked already.
  bool add_if_new(const std::string& task_id, long long job_id, const std::string& agent_id);
  bool contains(const std::string& task_id) const { return tasks_.count(task_id) > 0; }
  // An update whose uuid is the one stored last: Mesos resends until acknowledged.
  bool is_stored_redelivery(const mesos::TaskStatus& status) const;
  // A committed update: a terminal one ends the task, another one's uuid is remembered.
  void on_committed(const mesos::TaskStatus& status);

  std::vector<Reconciler::Task> to_reconcile() const;
  const ById& all() const { return tasks_; }
  size_t size() const { return tasks_.size(); }

 private:
  ById tasks_;
};

}  // namespace scale::scheduler
