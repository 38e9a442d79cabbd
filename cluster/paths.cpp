#include "cluster/paths.h"

namespace scale::cluster {

std::string normalize_path(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

std::string join_path(std::string_view parent, std::string_view child) {
  std::string joined(parent);
  if (joined.empty() || joined.back() != '/') joined.push_back('/');
  joined.append(child);
  return joined;
}

std::string base_name(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

ZkError ensure_path(Session& session, std::string_view path) {
  // Top-down, so each parent exists before its child; NodeExists is the common case.
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix(path.substr(0, slash));
    if (prefix.size() > 1) {
      const ZkError error = session.create(prefix, "", CreateMode::Persistent, nullptr);
      if (error != ZkError::Ok && error != ZkError::NodeExists) return error;
    }
    if (slash == std::string_view::npos) return ZkError::Ok;
  }
}

}  // namespace scale::cluster
