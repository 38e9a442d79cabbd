#pragma once

// Members of a ZooKeeper group: EPHEMERAL|SEQUENTIAL children of the group's path, named by a
// label, an optional tag and the sequence ZooKeeper appends. The lowest sequence leads: this is
// the one place that says so, for the scheduler's election and for the Mesos masters alike. No
// ZooKeeper access here, so every rule is unit-tested without a server.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scale::cluster {

// How a group names its members: "<label><sequence>", or "<label><tag>-<sequence>" when tagged.
// The tag marks a node as one candidacy's, so that a create whose reply was lost can be found
// again (protected creation).
struct MemberNames {
  std::string label;
  bool tagged = false;
};

// The scheduler's election: "n_<guid>-<sequence>".
MemberNames election_members();
// The Mesos masters' group (spec A.13): "json.info_<sequence>" holding MasterInfo JSON. Other
// children (log_replicas, the pre-0.24 "info_" label) are not members.
MemberNames master_members();

struct Member {
  std::string name;
  long long sequence = 0;
  std::string data;  // filled only where it was read
  bool operator==(const Member&) const = default;
};

// A random 128-bit tag in 32 lowercase hex digits, new for every candidacy.
std::string make_guid();

// What a member asks ZooKeeper to create, the sequence to be appended: "<label>[<tag>-]".
std::string member_prefix(const MemberNames& names, std::string_view tag = {});

// The sequence of a member's name, or nullopt for a child that is not a member. ZooKeeper writes
// the counter as 10 digits; more would overflow its signed 32-bit counter.
std::optional<long long> member_sequence(std::string_view name, const MemberNames& names);

// The members among `children`, lowest sequence (the leader) first, without data. Ties
// (impossible under one parent) fall back to name order.
std::vector<Member> rank_members(const std::vector<std::string>& children,
                                 const MemberNames& names);

// Names of the ranked members that carry `tag`, lowest sequence first.
std::vector<std::string> members_tagged(const std::vector<Member>& ranked, const MemberNames& names,
                                        std::string_view tag);

enum class Position { Leader, Follower, Missing };

// Where `own` stands. A follower waits only on `predecessor` — the next lower member — so that
// a departure wakes exactly one candidate (no herd).
struct Standing {
  Position position = Position::Missing;
  std::string predecessor;
};
Standing standing_of(const std::vector<Member>& ranked, std::string_view own);

}  // namespace scale::cluster
