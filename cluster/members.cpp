#include "cluster/members.h"

#include <algorithm>
#include <cstdint>
#include <random>

namespace scale::cluster {

MemberNames election_members() {
  return {"n_", true};
}

MemberNames master_members() {
  return {"json.info_", false};
}

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

std::string member_prefix(const MemberNames& names, std::string_view tag) {
  std::string prefix = names.label;
  if (names.tagged) {
    prefix.append(tag);
    prefix.push_back('-');
  }
  return prefix;
}

std::optional<long long> member_sequence(std::string_view name, const MemberNames& names) {
  if (!name.starts_with(names.label)) return std::nullopt;
  std::string_view digits = name.substr(names.label.size());
  if (names.tagged) {
    const size_t dash = digits.rfind('-');
    if (dash == std::string_view::npos) return std::nullopt;
    digits = digits.substr(dash + 1);
  }
  if (digits.empty() || digits.size() > 10) return std::nullopt;
  long long sequence = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    sequence = sequence * 10 + (c - '0');
  }
  return sequence;
}

std::vector<Member> rank_members(const std::vector<std::string>& children,
                                 const MemberNames& names) {
  std::vector<Member> ranked;
  for (const auto& child : children) {
    if (auto sequence = member_sequence(child, names)) ranked.push_back({child, *sequence, {}});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Member& a, const Member& b) {
    return a.sequence != b.sequence ? a.sequence < b.sequence : a.name < b.name;
  });
  return ranked;
}

std::vector<std::string> members_tagged(const std::vector<Member>& ranked, const MemberNames& names,
                                        std::string_view tag) {
  const std::string prefix = member_prefix(names, tag);
  std::vector<std::string> found;
  for (const auto& member : ranked) {
    if (member.name.starts_with(prefix)) found.push_back(member.name);
  }
  return found;
}

Standing standing_of(const std::vector<Member>& ranked, std::string_view own) {
  auto it = std::find_if(ranked.begin(), ranked.end(),
                         [&](const Member& member) { return member.name == own; });
  if (it == ranked.end()) return {Position::Missing, {}};
  if (it == ranked.begin()) return {Position::Leader, {}};
  return {Position::Follower, std::prev(it)->name};
}

}  // namespace scale::cluster
