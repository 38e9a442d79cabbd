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

RecentActivity::RecentActivity(std::chrono::seconds window, std::chrono::seconds recount_every)
    : window_(window), recount_every_(recount_every) {}

std::vector<AgentExecutionCounts> RecentActivity::read(Connection& conn) {
  const auto now = std::chrono::steady_clock::now();
  // The server's clock, which stamped ended_at, must have moved forward by less than the window
  // since the last read, or the executions that entered and left the window in between would be
  // subtracted without having been added.
  const Result clock = conn.exec(
      "SELECT now()::text, $1::timestamptz IS NULL OR now() < $1::timestamptz"
      " OR now() - $1::timestamptz >= make_interval(secs => $2)",
      {counted_ ? Param(upper_) : Param(std::nullopt), std::to_string(window_.count())});
  const std::string upper = clock.text(0, 0);
  const bool afresh = !counted_ || clock.boolean(0, 1) || now - counted_at_ >= recount_every_;
  counted_ = false;  // until the counts below are whole: a failed read counts afresh next time
  if (afresh) {
    recount(conn, upper);
    counted_at_ = now;
  } else {
    advance(conn, upper);
  }
  upper_ = upper;
  counted_ = true;
  std::vector<AgentExecutionCounts> out;
  out.reserve(counts_.size());
  for (const auto& [agent, counts] : counts_) out.push_back(counts);
  return out;
}

void RecentActivity::recount(Connection& conn, const std::string& upper) {
  counts_.clear();
  const Result rows = conn.exec(
      "SELECT agent_id, count(*) FILTER (WHERE state = 'FINISHED'),"
      " count(*) FILTER (WHERE state <> 'FINISHED') FROM job_exe"
      " WHERE ended_at > $1::timestamptz - make_interval(secs => $2)"
      " AND ended_at <= $1::timestamptz GROUP BY agent_id",
      {upper, std::to_string(window_.count())});
  for (int i = 0; i < rows.rows(); ++i)
    counts_[rows.text(i, 0)] = {rows.text(i, 0), rows.integer(i, 1), rows.integer(i, 2)};
}

// Adds what ended in (last read, now] and takes away what left the window meanwhile: two ranges
// of the ended_at index, as small as the time between two reads.
void RecentActivity::advance(Connection& conn, const std::string& upper) {
  const Result rows = conn.exec(
      "SELECT agent_id, ended_at > $1::timestamptz, count(*) FILTER (WHERE state = 'FINISHED'),"
      " count(*) FILTER (WHERE state <> 'FINISHED') FROM job_exe"
      " WHERE (ended_at > $1::timestamptz AND ended_at <= $2::timestamptz)"
      " OR (ended_at > $1::timestamptz - make_interval(secs => $3)"
      " AND ended_at <= $2::timestamptz - make_interval(secs => $3))"
      " GROUP BY 1, 2",
      {upper_, upper, std::to_string(window_.count())});
  for (int i = 0; i < rows.rows(); ++i) {
    const std::string agent = rows.text(i, 0);
    const long long sign = rows.boolean(i, 1) ? 1 : -1;
    auto& counts = counts_[agent];
    counts.agent_id = agent;
    counts.completed += sign * rows.integer(i, 2);
    counts.failed += sign * rows.integer(i, 3);
    if (counts.completed <= 0 && counts.failed <= 0) counts_.erase(agent);
  }
}

}  // namespace scale::db
