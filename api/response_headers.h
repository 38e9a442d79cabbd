#pragma once

#include <string>
#include <string_view>

#include "api/http_types.h"
#include "api/server.h"

namespace scale::api {

// Who leads, as this replica sees it: itself when it holds a term, else the ZooKeeper leader,
// else "none". The PostgreSQL fence row is not used here: it keeps naming a dead leader until the
// next one promotes, while ZooKeeper drops a dead leader's node within the session timeout.
std::string leader_header_value(const LocalView& view, std::string_view replica_id);

// Adds X-Scale-Replica and X-Scale-Leader, which every answer carries (errors too).
void add_replica_headers(Response& response, const LocalView& view, std::string_view replica_id);

}  // namespace scale::api
