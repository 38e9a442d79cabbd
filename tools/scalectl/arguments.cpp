#include "tools/scalectl/arguments.h"

#include <gflags/gflags.h>

#include <algorithm>

#include "tools/scalectl/cli_error.h"
#include "tools/scalectl/commands.h"

namespace scale::scalectl {
namespace {

void set_flag(const std::string& name, const std::string& value) {
  if (gflags::SetCommandLineOption(name.c_str(), value.c_str()).empty()) {
    throw CliError(kExitUsage, "bad value \"" + value + "\" for --" + name);
  }
}

bool is_bool_flag(const std::string& name) {
  gflags::CommandLineFlagInfo info;
  return gflags::GetCommandLineFlagInfo(name.c_str(), &info) && info.type == "bool";
}

bool is_flag(const std::string& name) {
  gflags::CommandLineFlagInfo info;
  return gflags::GetCommandLineFlagInfo(name.c_str(), &info);
}

}  // namespace

std::vector<std::string> parse_arguments(int argc, char** argv, bool& help) {
  std::vector<std::string> rest;
  help = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      rest.insert(rest.end(), argv + i + 1, argv + argc);
      break;
    }
    if (arg.size() < 2 || arg[0] != '-' || (arg[1] >= '0' && arg[1] <= '9')) {
      rest.push_back(arg);
      continue;
    }
    arg.erase(0, arg[1] == '-' ? 2 : 1);
    const auto eq = arg.find('=');
    std::string name = arg.substr(0, eq);
    std::replace(name.begin(), name.end(), '-', '_');
    if (name == "help" || name == "h") {
      help = true;
      continue;
    }
    if (eq != std::string::npos) {
      if (!is_flag(name)) throw CliError(kExitUsage, "unknown flag --" + name + " (try --help)");
      set_flag(name, arg.substr(eq + 1));
    } else if (is_bool_flag(name)) {
      set_flag(name, "true");
    } else if (name.rfind("no", 0) == 0 && is_bool_flag(name.substr(2))) {
      set_flag(name.substr(2), "false");
    } else if (!is_flag(name)) {
      throw CliError(kExitUsage, "unknown flag --" + name + " (try --help)");
    } else if (i + 1 >= argc) {
      throw CliError(kExitUsage, "flag --" + name + " needs a value");
    } else {
      set_flag(name, argv[++i]);
    }
  }
  return rest;
}

std::string help_text() {
  std::string text = std::string(kUsage) + "\n\nflags:\n";
  std::vector<gflags::CommandLineFlagInfo> flags;
  gflags::GetAllFlags(&flags);
  for (const auto& flag : flags) {
    if (flag.filename.find("scalectl") == std::string::npos) continue;
    std::string name = flag.name;
    std::replace(name.begin(), name.end(), '_', '-');
    text += "  --" + name + "  " + flag.description + " (default \"" + flag.default_value + "\")\n";
  }
  return text;
}

}  // namespace scale::scalectl
