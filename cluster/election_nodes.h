#pragma once

// Pure logic of election node names: "n_<guid>-<sequence>", where ZooKeeper appends the
// sequence. No ZooKeeper access here, so every rule is unit-tested without a server.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scale::cluster {

// A random 128-bit identifier in 32 lowercase hex digits, new for every candidacy. It marks the
// node as ours so that a create whose reply was lost can be found again (protected create).
std::string make_guid();

// "n_<guid>-": what the candidate asks ZooKeeper to create (the sequence is appended).
std::string node_prefix(std::string_view guid);

// The sequence of an election node name, or nullopt for a name that is not one.
std::optional<long long> parse_sequence(std::string_view name);

struct ElectionNode {
  std::string name;
  long long sequence = 0;
};

// The election nodes among `children` in sequence order (lowest, the leader, first). Foreign
// children are ignored. Ties (impossible under one parent) fall back to name order.
std::vector<ElectionNode> rank_nodes(const std::vector<std::string>& children);

// Names of the ranked nodes that carry `guid`, lowest sequence first.
std::vector<std::string> nodes_of_guid(const std::vector<ElectionNode>& ranked,
                                       std::string_view guid);

enum class Position { Leader, Follower, Missing };

// Where `own` stands. A follower watches only `predecessor` — the next lower node — so that a
// departure wakes exactly one candidate (no herd).
struct Standing {
  Position position = Position::Missing;
  std::string predecessor;
};
Standing standing_of(const std::vector<ElectionNode>& ranked, std::string_view own);

}  // namespace scale::cluster
