#pragma once

#include <string>

namespace scale::test {

// Path of a program this build produced, e.g. built_binary("scheduler/scale-scheduler").
// ctest sets SCALE_BUILD_DIR; throws std::runtime_error naming what is missing otherwise.
std::string built_binary(const std::string& relative_path);

}  // namespace scale::test
