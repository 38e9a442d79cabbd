#pragma once

// ZooKeeper path helpers.

#include <string>
#include <string_view>

#include "cluster/session.h"

namespace scale::cluster {

// "/a/b/" -> "/a/b"; "/" stays "/".
std::string normalize_path(std::string_view path);
// join("/a", "n_1") == "/a/n_1"; join("/", "n_1") == "/n_1".
std::string join_path(std::string_view parent, std::string_view child);
// The last component: "/a/n_1" -> "n_1".
std::string base_name(std::string_view path);
// Creates every missing component of `path` as an empty persistent node.
ZkError ensure_path(Session& session, std::string_view path);

}  // namespace scale::cluster
