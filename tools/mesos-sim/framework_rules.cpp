#include "framework_rules.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace mesos_sim {

bool valid_role(const std::string& role) {
  if (role == "*") return true;
  if (role.empty() || role.front() == '/' || role.back() == '/') return false;
  std::istringstream in(role);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (part.empty() || part == "." || part == ".." || part == "*" || part.front() == '-') {
      return false;
    }
    bool bad = std::any_of(part.begin(), part.end(), [](char c) {
      return c == '\\' || std::isspace(static_cast<unsigned char>(c)) ||
             std::iscntrl(static_cast<unsigned char>(c));
    });
    if (bad) return false;
  }
  return true;
}

std::string validate_framework_info(const FrameworkInfo& info,
                                    const std::vector<std::string>& suppressed_roles,
                                    const FrameworkInfo* previous) {
  if (info.roles_set && !info.multi_role) {
    return "'FrameworkInfo.roles' is set but MULTI_ROLE capability is not";
  }
  if (info.role_set && info.multi_role) {
    return "'FrameworkInfo.role' must not be set when MULTI_ROLE capability is enabled";
  }
  std::set<std::string> roles(info.roles.begin(), info.roles.end());
  if (roles.size() != info.roles.size()) return "'FrameworkInfo.roles' contains duplicate items";
  for (const auto& role : info.roles) {
    if (!valid_role(role)) return "Role '" + role + "' is invalid";
  }
  for (const auto& role : suppressed_roles) {
    if (!roles.count(role)) {
      return "Suppressed roles { " + role + " } are not contained in the set of roles";
    }
  }
  if (info.failover_timeout < 0) return "Invalid 'FrameworkInfo.failover_timeout'";
  if (previous && !previous->name.empty() && previous->principal != info.principal) {
    return "Changing framework's principal is not allowed.";
  }
  return "";
}

}  // namespace mesos_sim
