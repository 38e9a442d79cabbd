#pragma once

// Helpers shared by the support library's .cpp files; not part of the test-facing API.

#include <chrono>
#include <filesystem>
#include <string>

namespace scale::test::detail {

// Throws std::runtime_error naming the file and the Debian package to install when it is missing.
void require_file(const std::filesystem::path& file, const std::string& package);

// Looks an executable name up in PATH ("" when not found); a name with a '/' is returned as is.
std::string find_in_path(const std::string& name);

// "<what>: <detail>\n--- tail of <log> ---\n<tail>" for failure messages.
std::string with_log_tail(const std::string& what, const std::filesystem::path& log);

std::chrono::milliseconds ms_since(std::chrono::steady_clock::time_point start);

}  // namespace scale::test::detail
