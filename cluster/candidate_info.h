#pragma once

// The JSON data of an election node: {"replica_id", "api_url", "hostname", "pid", "version",
// "started"}.

#include <optional>
#include <string>
#include <vector>

#include "cluster/election.h"
#include "cluster/members.h"

namespace scale::cluster {

std::string to_json(const CandidateInfo& info);

// nullopt unless `json` is an object. Missing or mistyped fields keep their defaults, so a node
// written by a newer or older replica still lists.
std::optional<CandidateInfo> parse_candidate_info(const std::string& json);

// The candidates among the election's members, in their order (the first one leads). A member
// whose data does not parse is left out.
std::vector<CandidateInfo> candidates(const std::vector<Member>& members);

// `info` with an empty hostname and a zero pid filled in from this process.
CandidateInfo with_process_defaults(CandidateInfo info);

}  // namespace scale::cluster
