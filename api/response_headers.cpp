#include "api/response_headers.h"

namespace scale::api {

std::string leader_header_value(const LocalView& view, std::string_view replica_id) {
  if (view.role == Role::Leader) return std::string(replica_id);
  if (view.zk_leader_replica_id && !view.zk_leader_replica_id->empty()) {
    return *view.zk_leader_replica_id;
  }
  return "none";
}

void add_replica_headers(Response& response, const LocalView& view, std::string_view replica_id) {
  response.headers.emplace_back("X-Scale-Replica", std::string(replica_id));
  response.headers.emplace_back("X-Scale-Leader", leader_header_value(view, replica_id));
}

}  // namespace scale::api
