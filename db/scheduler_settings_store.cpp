#include "db/scheduler_settings_store.h"

namespace scale::db {

namespace {

constexpr const char* kColumns =
    "is_paused, num_message_handlers, system_logging_level, queue_mode";

SchedulerSettings from_row(const Result& row) {
  if (row.rows() == 0) throw Error("db: the scheduler settings row (id = 1) is missing");
  SchedulerSettings s;
  s.is_paused = row.boolean(0, 0);
  s.num_message_handlers = static_cast<int>(row.integer(0, 1));
  s.system_logging_level = row.text(0, 2);
  s.queue_mode = row.text(0, 3);
  return s;
}

// Appends "column = $n" for a set field. Only the fixed column names above ever reach the SQL
// text; every value travels as a parameter.
void add(std::string& assignments, Params& params, const char* column, Param value,
         const char* wrap = nullptr) {
  params.push_back(std::move(value));
  const std::string placeholder = "$" + std::to_string(params.size());
  assignments += std::string(column) + " = " +
                 (wrap ? std::string(wrap) + "(" + placeholder + ")" : placeholder) + ", ";
}

}  // namespace

bool SchedulerSettingsPatch::empty() const {
  return !is_paused && !num_message_handlers && !system_logging_level && !queue_mode;
}

SchedulerSettings SchedulerSettingsStore::get(Connection& conn) {
  return from_row(conn.exec(std::string("SELECT ") + kColumns + " FROM scheduler WHERE id = 1"));
}

SchedulerSettings SchedulerSettingsStore::patch(Connection& conn,
                                                const SchedulerSettingsPatch& patch) {
  if (patch.empty()) return get(conn);
  std::string assignments;
  Params params;
  if (patch.is_paused) add(assignments, params, "is_paused", *patch.is_paused ? "true" : "false");
  if (patch.num_message_handlers) {
    add(assignments, params, "num_message_handlers", std::to_string(*patch.num_message_handlers));
  }
  if (patch.system_logging_level) {
    add(assignments, params, "system_logging_level", *patch.system_logging_level);
  }
  if (patch.queue_mode) add(assignments, params, "queue_mode", *patch.queue_mode, "upper");
  // One statement: the update and its NOTIFY commit together (listeners never wake before the row
  // changed) and it joins a caller's transaction without nesting BEGIN.
  const std::string sql = "WITH updated AS (UPDATE scheduler SET " + assignments +
                          "updated_at = now() WHERE id = 1 RETURNING " + kColumns + ") " +
                          "SELECT " + kColumns + ", pg_notify('scale_settings', '') FROM updated";
  return from_row(conn.exec(sql, params));
}

}  // namespace scale::db
