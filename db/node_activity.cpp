#include "db/node_activity.h"

namespace scale::db {

std::vector<AgentExecutionCounts> NodeActivity::recent_finished(Connection& conn,
                                                                std::chrono::seconds window) {
  // ended_at is set exactly when an execution reaches a terminal state (execution_updates.cpp).
  const Result rows = conn.exec(
      "SELECT agent_id, count(*) FILTER (WHERE state = 'FINISHED'),"
      " count(*) FILTER (WHERE state <> 'FINISHED')"
      " FROM job_exe WHERE ended_at IS NOT NULL AND ended_at > now() - make_interval(secs => $1)"
      " GROUP BY agent_id ORDER BY agent_id",
      {std::to_string(window.count())});
  std::vector<AgentExecutionCounts> out;
  out.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i)
    out.push_back({rows.text(i, 0), rows.integer(i, 1), rows.integer(i, 2)});
  return out;
}

}  // namespace scale::db
