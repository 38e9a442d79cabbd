#pragma once

#include <string>

namespace scale::scheduler {

// Scale's system_logging_level (DEBUG|INFO|WARNING|ERROR|CRITICAL) as glog's minloglevel (and
// verbose logging for DEBUG). Returns false, changing nothing, for an unknown level.
bool apply_logging_level(const std::string& level);

}  // namespace scale::scheduler
