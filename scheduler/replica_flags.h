#pragma once

#include <optional>

#include "scheduler/replica_options.h"

namespace scale::scheduler {

// Parses the command line (gflags; every flag may also come from the environment as FLAGS_<name>
// and from --flagfile) into ReplicaOptions. Prints one clear line and returns nullopt on bad input.
std::optional<ReplicaOptions> parse_replica_flags(int argc, char** argv);

}  // namespace scale::scheduler
