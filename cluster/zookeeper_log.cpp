#include "cluster/zookeeper_log.h"

#include <glog/logging.h>

#include <mutex>
#include <string_view>

namespace scale::cluster {

void configure_zookeeper_client_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    // WARN keeps the formatting cost low; anything below is only useful when debugging the
    // client itself.
    zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
  });
}

void zookeeper_client_log_line(const char* message) {
  if (message == nullptr) return;
  std::string_view line(message);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  VLOG(1) << "zookeeper client: " << line;
}

}  // namespace scale::cluster
