#pragma once

#include <optional>

#include "api/context.h"
#include "api/http_types.h"
#include "api/server.h"
#include "db/fence.h"

// Who leads and is this replica healthy: GET /v6/leader/, /leaderhealth (HAProxy's check) and
// /healthz (liveness including the database).
namespace scale::api {

Response get_leader(const Context& ctx);
Response get_leaderhealth(const Context& ctx);
Response get_healthz(Context& ctx);

// 200 with the fence row only when ZooKeeper agrees it is the leader, so a dead leader's row is
// never advertised; 503 "election in progress" while ZooKeeper's new leader has not promoted yet.
Response leader_response(const std::optional<db::LeaderRecord>& record, const LocalView& view);

// 200 on the leader, 503 on a follower, 502 when this replica does not know (HAProxy routes
// writes only to the 200).
Response leaderhealth_response(Role role);

}  // namespace scale::api
