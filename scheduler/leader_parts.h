#pragma once

// The real collaborators of a Leader: PostgreSQL (DbLeaderStore, PgNotifySource), the Mesos
// client over HTTP, the election's candidates. Kept apart from the Leader so the Leader knows
// only their interfaces.

#include <memory>

#include "cluster/election.h"
#include "scheduler/leader.h"
#include "scheduler/replica_options.h"
#include "scheduler/replica_standby.h"

namespace scale::scheduler {

// `standby` is emptied: what a follower kept ready (a warmed connection, a LISTENing listener)
// goes to the term. `term` and `zk` must outlive the Leader.
LeaderParts make_leader_parts(const ReplicaOptions& options, cluster::Term& term, Standby& standby,
                              cluster::ZkSession& zk);

// The Mesos client with the replica's FrameworkInfo, credentials and send gate (the term).
std::unique_ptr<mesos::MesosConnection> make_mesos_connection(const ReplicaOptions& options,
                                                              cluster::Term& term);

}  // namespace scale::scheduler
