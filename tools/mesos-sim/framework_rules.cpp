#include "framework_rules.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace mesos_sim {
namespace {

// stout's stringify of a set: "{ a, b }" (sorted).
std::string set_text(const std::set<std::string>& items) {
  std::string out = "{ ";
  for (auto it = items.begin(); it != items.end(); ++it) {
    out += (it == items.begin() ? "" : ", ") + *it;
  }
  return out + " }";
}

std::string component_error(const std::string& role, const std::string& part) {
  if (part.empty()) return "Role '" + role + "' cannot contain two adjacent slashes";
  if (part == "." || part == ".." || part == "*") {
    return "Role '" + role + "' cannot include '" + part + "' as a component";
  }
  if (part.front() == '-') {
    return "Role component '" + part + "' is invalid because it starts with a dash";
  }
  // Whitespace and backspace are refused; other characters (even '\') are allowed.
  bool bad = std::any_of(part.begin(), part.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '\b' || c == 0x7f;
  });
  if (bad) {
    return "Role component '" + part + "' is invalid because it contains backspace or whitespace";
  }
  return "";
}

std::string roles_error(const FrameworkInfo& info) {
  if (info.roles_set && !info.multi_role) {
    return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
  }
  if (info.role_set && info.multi_role) {
    return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
  }
  std::set<std::string> seen, duplicates;
  for (const auto& role : info.roles) {
    if (!seen.insert(role).second) duplicates.insert(role);
  }
  if (!duplicates.empty()) {
    return "'FrameworkInfo.roles' contains duplicate items: " + set_text(duplicates);
  }
  for (const auto& role : info.roles) {
    std::string error = role_error(role);
    if (error.empty()) continue;
    return info.multi_role ? "'FrameworkInfo.roles' contains invalid role: " + error
                           : "'FrameworkInfo.role' is not a valid role: " + error;
  }
  return "";
}

}  // namespace

std::string role_error(const std::string& role) {
  if (role == "*") return "";
  if (role.empty()) return "Role names cannot be the empty string";
  if (role.front() == '/') return "Role '" + role + "' cannot start with a slash";
  if (role.back() == '/') return "Role '" + role + "' cannot end with a slash";
  std::istringstream in(role);
  for (std::string part; std::getline(in, part, '/');) {
    if (std::string error = component_error(role, part); !error.empty()) return error;
  }
  return "";
}

std::string validate_framework_info(const FrameworkInfo& info,
                                    const std::vector<std::string>& suppressed_roles,
                                    const FrameworkInfo* previous) {
  if (std::string error = roles_error(info); !error.empty()) return error;
  std::set<std::string> roles(info.roles.begin(), info.roles.end()), outside;
  for (const auto& role : suppressed_roles) {
    if (!roles.count(role)) outside.insert(role);
  }
  if (!outside.empty()) {
    return "Suppressed roles " + set_text(outside) + " are not contained in the set of roles";
  }
  // A negative failover_timeout is a valid Duration: the master takes it (it means "at once").
  if (previous && !previous->name.empty() && previous->principal != info.principal) {
    return "Changing framework's principal is not allowed.";
  }
  return "";
}

}  // namespace mesos_sim
