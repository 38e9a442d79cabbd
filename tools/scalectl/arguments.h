#pragma once

#include <string>
#include <vector>

namespace scale::scalectl {

// Applies the flags in argv to the gflags definitions and returns the rest (the command and its
// arguments). Flags may come anywhere, as --name=value, --name value, --bool, --nobool, with
// dashes or underscores in names (--token-file is --token_file). Unlike gflags'
// ParseCommandLineFlags, which exits with status 1, an unknown flag or a bad value throws
// CliError(kExitUsage). Sets `help` when --help or -h is given.
std::vector<std::string> parse_arguments(int argc, char** argv, bool& help);

// kUsage and every flag with its description and default.
std::string help_text();

}  // namespace scale::scalectl
