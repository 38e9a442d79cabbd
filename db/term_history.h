#pragma once

#include <string>
#include <vector>

#include "db/connection.h"

// The history of leadership terms (leadership_term, migration 004): when each began and ended,
// why it ended, and how long each step of its promotion took. The status document shows the
// last ones (cluster.terms); any replica serves them and they survive restarts.
namespace scale::db {

struct TermStep {
  std::string name;  // elected, fenced, state_loaded, subscribed, reconciled, first_launch
  long long ms = 0;  // since the term was won in ZooKeeper
};

struct TermRecord {
  long long epoch = 0;
  std::string replica_id;
  std::string started;     // ISO-8601 UTC: when it took the fence
  std::string ended;       // ISO-8601 UTC, "" while it lasts
  std::string end_reason;  // "" while it lasts
  std::vector<TermStep> steps;
};

class TermHistory {
 public:
  // Appends steps to the term's record; inside the term's fenced transaction (leader-owned).
  static void add_steps(Connection& conn, long long epoch, const std::vector<TermStep>& steps);
  // The term's end and why; fenced, so only a term that still holds the fence says it.
  static void end(Connection& conn, long long epoch, const std::string& reason);
  // Closes every older term still open, its leader gone without saying why ("superseded").
  // Inside the transaction that raises the fence to `epoch`.
  static void close_older(Connection& conn, long long epoch);
  // The `limit` newest terms, newest first.
  static std::vector<TermRecord> recent(Connection& conn, int limit);
};

}  // namespace scale::db
