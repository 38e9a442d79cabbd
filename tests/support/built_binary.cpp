#include "tests/support/built_binary.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace scale::test {

std::string built_binary(const std::string& relative_path) {
  const char* build = std::getenv("SCALE_BUILD_DIR");
  if (build == nullptr) {
    throw std::runtime_error("SCALE_BUILD_DIR is not set: run this test through ctest");
  }
  const auto path = std::filesystem::path(build) / relative_path;
  if (!std::filesystem::exists(path)) {
    throw std::runtime_error(path.string() + " is missing: build the target first");
  }
  return path.string();
}

}  // namespace scale::test
