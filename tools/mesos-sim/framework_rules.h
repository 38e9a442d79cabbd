#pragma once

// FrameworkInfo checks the master makes after accepting a SUBSCRIBE (validation.cpp). A failure
// is not an HTTP error: the subscription gets 200, one ERROR event with this message, and closes.
// The messages are the real master's, word for word.

#include <optional>
#include <string>
#include <vector>

#include "call.h"

namespace mesos_sim {

// "" when valid. `previous` is the framework's FrameworkInfo when it resubscribes.
std::string validate_framework_info(const FrameworkInfo& info,
                                    const std::vector<std::string>& suppressed_roles,
                                    const FrameworkInfo* previous);

// roles::validate: "" when valid, else why not ("Role 'a//b' cannot contain two adjacent
// slashes").
std::string role_error(const std::string& role);
inline bool valid_role(const std::string& role) {
  return role_error(role).empty();
}

}  // namespace mesos_sim
