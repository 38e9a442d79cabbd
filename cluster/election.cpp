#include "cluster/election.h"

#include <glog/logging.h>

#include "cluster/candidate.h"
#include "cluster/candidate_info.h"
#include "cluster/election_hooks.h"
#include "cluster/election_nodes.h"
#include "cluster/zk_client.h"
#include "cluster/zk_paths.h"

namespace scale::cluster {

std::unique_ptr<Term> wait_for_leader(ZkSession& zk, const std::string& election_path,
                                      const CandidateInfo& me, std::stop_token stop) {
  return wait_for_leader(zk, election_path, me, std::move(stop), ElectionHooks{});
}

std::unique_ptr<Term> wait_for_leader(ZkSession& zk, const std::string& election_path,
                                      const CandidateInfo& me, std::stop_token stop,
                                      const ElectionHooks& hooks) {
  return run_for_leader(client_of(zk), election_path, me, std::move(stop), hooks);
}

std::vector<CandidateInfo> list_candidates(ZkSession& zk, const std::string& election_path) {
  std::shared_ptr<ZkClient> client = client_of(zk);
  const std::string parent = normalize_path(election_path);
  std::vector<std::string> children;
  const ZkError error = client->get_children(parent, &children);
  if (error != ZkError::Ok) {
    VLOG_IF(1, error != ZkError::NoNode)
        << "election: cannot list " << parent << ": " << to_string(error);
    return {};
  }
  std::vector<CandidateInfo> candidates;
  for (const auto& node : rank_nodes(children)) {
    std::string data;
    // A node that left between the listing and the read is simply no longer a candidate.
    if (client->get(join_path(parent, node.name), &data, nullptr) != ZkError::Ok) continue;
    if (auto info = parse_candidate_info(data)) candidates.push_back(std::move(*info));
  }
  return candidates;
}

}  // namespace scale::cluster
