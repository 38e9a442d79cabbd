#include "fault_support.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace scale::drill {

bool command_line_has(pid_t pid, const std::string& needle) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  return cmdline.find(needle) != std::string::npos;
}

std::string signal_named(const Cluster& cluster, const std::string& name, const std::string& needle,
                         int sig) {
  auto pid = cluster.pid_of(name);
  if (!pid) return "no pid file for " + name;
  if (!command_line_has(*pid, needle)) {
    return "pid " + std::to_string(*pid) + " of " + name + " is not that process";
  }
  if (::kill(*pid, sig) != 0) return "kill " + name + ": " + std::strerror(errno);
  return "";
}

}  // namespace scale::drill
