#pragma once

#include <optional>
#include <string>

#include "db/connection.h"

// Rows the leader would write (executions, nodes, status changes), written directly for tests of
// the user-facing stores and endpoints. Shared by tests/integration/{db,api}.
namespace scale::db::testing {

// Sets job `id` to `status` as the leader would (RUNNING with started_at, finished with ended_at).
void set_status(Connection& conn, long long id, const std::string& status);

// Inserts execution `exe_num` of job `id` on agent "agent-1", epoch 7, in `state`.
void add_execution(Connection& conn, long long job_id, int exe_num, const std::string& state);

// Inserts a node for agent `agent_id` with the given total resources; returns its id.
long long add_node(Connection& conn, const std::string& agent_id, const std::string& hostname,
                   double cpus = 4, double mem = 8192);

// Sets the cluster_resources row as the leader would.
void set_cluster_resources(Connection& conn, double cpus, double mem, double disk, double gpus);

// Waits (at most 5 s) for one notification on a channel `listener` LISTENs to.
std::optional<Notification> next_notification(Connection& listener);

}  // namespace scale::db::testing
