#pragma once

#include <optional>
#include <string>
#include <string_view>

// The order of job_exe states, shared by the leader's stores (not a public API).
//
// Rank: LAUNCHING 0 < STAGING 1 < STARTING 2 < RUNNING = UNREACHABLE 3 < KILLING 4 < terminal 5.
// An update is applied only when it ranks above the stored state, or at the same rank names a
// different state with a newer Mesos timestamp (RUNNING <-> UNREACHABLE as an agent drops out
// and comes back). Terminal states never change again. TASK_UNKNOWN is never applied: a master
// says it for a task whose agent it does not know, which right after a master failover is every
// agent that has not re-registered yet, so the task may be running. The leader asks again until
// a real answer comes (TASK_GONE once the agent is back, if the task never ran there) and gives up
// only after a long wait (scheduler/reconciler.h). UNKNOWN rows of earlier versions stay terminal.
namespace scale::db::exe_state {

inline constexpr int kTerminalRank = 5;

// The job_exe state for a Mesos TaskState name ("TASK_RUNNING" -> "RUNNING"), or nullopt when
// the name is not one this store knows (it is then logged but never applied).
std::optional<std::string> from_mesos(std::string_view mesos_state);

// SQL expression giving the rank of the job_exe state in `column` (a fixed column name of the
// caller's, never input); NULL for an unknown state.
std::string rank_sql(std::string_view column);

// SQL list of the terminal states: "('FINISHED', ...)".
const std::string& terminal_list_sql();

}  // namespace scale::db::exe_state
