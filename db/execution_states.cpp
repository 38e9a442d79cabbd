#include "db/execution_states.h"

#include <array>

namespace scale::db::exe_state {

namespace {

struct StateRank {
  std::string_view name;
  int rank;
};

// Every state the job_exe CHECK of migration 002 allows.
constexpr std::array<StateRank, 15> kStates{{
    {"LAUNCHING", 0},
    {"STAGING", 1},
    {"STARTING", 2},
    {"RUNNING", 3},
    {"UNREACHABLE", 3},
    {"KILLING", 4},
    {"FINISHED", kTerminalRank},
    {"FAILED", kTerminalRank},
    {"KILLED", kTerminalRank},
    {"ERROR", kTerminalRank},
    {"LOST", kTerminalRank},
    {"DROPPED", kTerminalRank},
    {"GONE", kTerminalRank},
    {"GONE_BY_OPERATOR", kTerminalRank},
    {"UNKNOWN", kTerminalRank},
}};

}  // namespace

std::optional<std::string> from_mesos(std::string_view mesos_state) {
  constexpr std::string_view kPrefix = "TASK_";
  if (!mesos_state.starts_with(kPrefix)) return std::nullopt;
  const std::string_view name = mesos_state.substr(kPrefix.size());
  // LAUNCHING is ours (written before ACCEPT), never a Mesos state. TASK_UNKNOWN says nothing
  // about the task (the master does not know its agent, e.g. right after a master failover): it
  // is logged but leaves the execution as it was. Rows stored as UNKNOWN by earlier versions keep
  // their terminal rank below.
  if (name == "LAUNCHING" || name == "UNKNOWN") return std::nullopt;
  for (const StateRank& s : kStates) {
    if (s.name == name) return std::string(name);
  }
  return std::nullopt;
}

std::string rank_sql(std::string_view column) {
  std::string sql = "(CASE " + std::string(column);
  for (const StateRank& s : kStates) {
    sql += " WHEN '" + std::string(s.name) + "' THEN " + std::to_string(s.rank);
  }
  return sql + " END)";
}

const std::string& terminal_list_sql() {
  static const std::string list = [] {
    std::string sql = "(";
    for (const StateRank& s : kStates) {
      if (s.rank != kTerminalRank) continue;
      if (sql.size() > 1) sql += ", ";
      sql += "'" + std::string(s.name) + "'";
    }
    return sql + ")";
  }();
  return list;
}

}  // namespace scale::db::exe_state
