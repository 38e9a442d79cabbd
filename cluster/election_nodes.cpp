#include "cluster/election_nodes.h"

#include <algorithm>
#include <cstdint>
#include <random>

namespace scale::cluster {
namespace {

constexpr std::string_view kNamePrefix = "n_";

}  // namespace

std::string make_guid() {
  // random_device reads the kernel's CSPRNG on Linux: no seeding pitfalls, and candidacies are
  // rare enough that its cost does not matter.
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string guid;
  guid.reserve(32);
  for (int word = 0; word < 4; ++word) {
    uint32_t bits = device();
    for (int nibble = 0; nibble < 8; ++nibble, bits >>= 4) guid.push_back(kHex[bits & 0xf]);
  }
  return guid;
}

std::string node_prefix(std::string_view guid) {
  std::string prefix(kNamePrefix);
  prefix.append(guid);
  prefix.push_back('-');
  return prefix;
}

std::optional<long long> parse_sequence(std::string_view name) {
  if (!name.starts_with(kNamePrefix)) return std::nullopt;
  const size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash < kNamePrefix.size()) return std::nullopt;
  const std::string_view digits = name.substr(dash + 1);
  // ZooKeeper writes the counter as 10 digits; more would overflow its signed 32-bit counter.
  if (digits.empty() || digits.size() > 10) return std::nullopt;
  long long sequence = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    sequence = sequence * 10 + (c - '0');
  }
  return sequence;
}

std::vector<ElectionNode> rank_nodes(const std::vector<std::string>& children) {
  std::vector<ElectionNode> ranked;
  for (const auto& child : children) {
    if (auto sequence = parse_sequence(child)) ranked.push_back({child, *sequence});
  }
  std::sort(ranked.begin(), ranked.end(), [](const ElectionNode& a, const ElectionNode& b) {
    return a.sequence != b.sequence ? a.sequence < b.sequence : a.name < b.name;
  });
  return ranked;
}

std::vector<std::string> nodes_of_guid(const std::vector<ElectionNode>& ranked,
                                       std::string_view guid) {
  const std::string prefix = node_prefix(guid);
  std::vector<std::string> names;
  for (const auto& node : ranked) {
    if (node.name.starts_with(prefix)) names.push_back(node.name);
  }
  return names;
}

Standing standing_of(const std::vector<ElectionNode>& ranked, std::string_view own) {
  auto it = std::find_if(ranked.begin(), ranked.end(),
                         [&](const ElectionNode& node) { return node.name == own; });
  if (it == ranked.end()) return {Position::Missing, {}};
  if (it == ranked.begin()) return {Position::Leader, {}};
  return {Position::Follower, std::prev(it)->name};
}

}  // namespace scale::cluster
