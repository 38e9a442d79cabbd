#include "scheduler/log_level.h"

#include <glog/logging.h>

namespace scale::scheduler {

bool apply_logging_level(const std::string& level) {
  int min_level = 0;
  int verbosity = 0;
  if (level == "DEBUG") {
    verbosity = 1;
  } else if (level == "INFO") {
  } else if (level == "WARNING") {
    min_level = google::GLOG_WARNING;
  } else if (level == "ERROR" || level == "CRITICAL") {
    // glog's FATAL aborts; CRITICAL keeps errors visible, as Scale's CRITICAL includes them.
    min_level = google::GLOG_ERROR;
  } else {
    return false;
  }
  if (FLAGS_minloglevel != min_level || FLAGS_v != verbosity) {
    // Said at the more verbose of the two levels, so the switch itself shows in the log.
    const bool quieter = min_level > FLAGS_minloglevel;
    if (quieter) LOG(INFO) << "logging level now " << level;
    FLAGS_minloglevel = min_level;
    FLAGS_v = verbosity;
    if (!quieter) LOG(INFO) << "logging level now " << level;
  }
  return true;
}

}  // namespace scale::scheduler
