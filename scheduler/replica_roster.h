#pragma once

// The replicas of the status document: who stands in the election, with how long ago each last
// proved it is alive. Pure: the election's members and their refresh times are handed in.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "cluster/members.h"
#include "scheduler/status_document.h"

namespace scale::scheduler {

// Seconds from `refreshed` to `now`, to the millisecond; never negative (a refresh measured a
// little ahead of this clock is fresh, not from the future).
double heartbeat_age_s(std::chrono::system_clock::time_point refreshed,
                       std::chrono::system_clock::time_point now);

// Every member whose data is a candidate's, in election order (the first one leads; `leader`
// is left false for the caller to set). `refreshed` holds members' last refreshes by member
// name; a member without one has no heartbeat_age_s.
std::vector<ReplicaSeen> replicas_seen(
    const std::vector<cluster::Member>& members,
    const std::map<std::string, std::chrono::system_clock::time_point>& refreshed,
    std::chrono::system_clock::time_point now);

}  // namespace scale::scheduler
