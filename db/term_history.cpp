#include "db/term_history.h"

#include <sstream>

#include "db/fence.h"
#include "db/pg_array.h"

namespace scale::db {

namespace {

constexpr const char* kIso8601 = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";

// "fenced:12,state_loaded:40" (step names are ours: no ':' nor ',') -> steps.
std::vector<TermStep> parse_steps(const std::string& text) {
  std::vector<TermStep> steps;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const size_t colon = item.find(':');
    if (colon == std::string::npos) continue;
    steps.push_back({item.substr(0, colon), std::stoll(item.substr(colon + 1))});
  }
  return steps;
}

}  // namespace

void TermHistory::add_steps(Connection& conn, long long epoch, const std::vector<TermStep>& steps) {
  if (steps.empty()) return;
  ArrayLiteral names, ms;
  for (const auto& step : steps) {
    names.add_text(step.name);
    ms.add_integer(step.ms);
  }
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    c.exec(
        "UPDATE leadership_term SET steps = steps || (SELECT jsonb_agg(jsonb_build_object("
        "'name', n, 'ms', m) ORDER BY o) FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY"
        " AS u(n, m, o)) WHERE epoch = $1",
        {std::to_string(epoch), names.str(), ms.str()});
  });
}

void TermHistory::end(Connection& conn, long long epoch, const std::string& reason) {
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    c.exec(
        "UPDATE leadership_term SET ended_at = clock_timestamp(), end_reason = $2"
        " WHERE epoch = $1 AND ended_at IS NULL",
        {std::to_string(epoch), reason});
  });
}

void TermHistory::close_older(Connection& conn, long long epoch) {
  conn.exec(
      "UPDATE leadership_term SET ended_at = clock_timestamp(), end_reason = 'superseded'"
      " WHERE epoch < $1 AND ended_at IS NULL",
      {std::to_string(epoch)});
}

std::vector<TermRecord> TermHistory::recent(Connection& conn, int limit) {
  const std::string iso = kIso8601;
  Result rows = conn.exec(
      "SELECT epoch, replica_id, to_char(elected_at AT TIME ZONE 'UTC', " + iso +
          "), COALESCE(to_char(ended_at AT TIME ZONE 'UTC', " + iso +
          "), ''), COALESCE(end_reason, ''),"
          " COALESCE((SELECT string_agg((s->>'name') || ':' || (s->>'ms'), ',' ORDER BY o)"
          " FROM jsonb_array_elements(steps) WITH ORDINALITY AS e(s, o)), '')"
          " FROM leadership_term ORDER BY epoch DESC LIMIT $1",
      {std::to_string(limit)});
  std::vector<TermRecord> terms;
  for (int i = 0; i < rows.rows(); ++i) {
    terms.push_back({rows.integer(i, 0), rows.text(i, 1), rows.text(i, 2), rows.text(i, 3),
                     rows.text(i, 4), parse_steps(rows.text(i, 5))});
  }
  return terms;
}

}  // namespace scale::db
