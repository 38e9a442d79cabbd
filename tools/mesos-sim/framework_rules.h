#pragma once

// FrameworkInfo checks the master makes after accepting a SUBSCRIBE (validation.cpp). A failure
// is not an HTTP error: the subscription gets 200, one ERROR event with this message, and closes.

#include <optional>
#include <string>
#include <vector>

#include "call.h"

namespace mesos_sim {

// "" when valid. `previous` is the framework's FrameworkInfo when it resubscribes.
std::string validate_framework_info(const FrameworkInfo& info,
                                    const std::vector<std::string>& suppressed_roles,
                                    const FrameworkInfo* previous);

bool valid_role(const std::string& role);

}  // namespace mesos_sim
