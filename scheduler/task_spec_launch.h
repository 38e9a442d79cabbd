#pragma once

// The stored task spec (db/task_spec.h) as the Mesos client's TaskLaunch: the one place that
// decides which command a container runs (docs/api-jobs.md, "What Mesos runs").

#include <string>

#include "db/task_spec.h"
#include "scheduler/mesos/mesos_call.h"

namespace scale::scheduler {

// Sets `task`'s command (from `command` and the spec's container and args), environment, uris,
// user, labels and container. No command with a container: the image's entrypoint, with the args
// as its arguments (shell false). Otherwise `/bin/sh -c <command>`, inside the image if any.
void apply_task_spec(const std::string& command, const db::TaskSpec& spec, mesos::TaskLaunch& task);

}  // namespace scale::scheduler
