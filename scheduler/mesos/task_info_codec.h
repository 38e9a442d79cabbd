#pragma once

// TaskInfo JSON (spec B.1) for the LAUNCH operations of an ACCEPT.

#include "scheduler/mesos/json_writer.h"
#include "scheduler/mesos/mesos_call.h"

namespace scale::mesos {

// One TaskInfo object: name, ids, resources, command (shell or the image's entrypoint with
// arguments, environment, uris, user), container (DOCKER or MESOS), labels and kill policy.
void write_task_info(Writer& w, const TaskLaunch& task);

}  // namespace scale::mesos
