#pragma once

#include <optional>
#include <string>

#include "db/connection.h"

namespace scale::db {

// Scale's `scheduler` settings row. Any replica may write it (a user intent).
struct SchedulerSettings {
  bool is_paused = false;
  int num_message_handlers = 1;
  std::string system_logging_level = "INFO";  // DEBUG|INFO|WARNING|ERROR|CRITICAL
  std::string queue_mode = "FIFO";            // FIFO|LIFO, stored upper case
};

struct SchedulerSettingsPatch {
  std::optional<bool> is_paused;
  std::optional<int> num_message_handlers;
  std::optional<std::string> system_logging_level;
  std::optional<std::string> queue_mode;
  bool empty() const;
};

class SchedulerSettingsStore {
 public:
  static SchedulerSettings get(Connection& conn);
  // Applies the fields that are set and NOTIFYs channel `scale_settings`. Values must already be
  // validated (api/) — the table's CHECK constraints are the last line of defence.
  static SchedulerSettings patch(Connection& conn, const SchedulerSettingsPatch& patch);
};

}  // namespace scale::db
