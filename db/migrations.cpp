#include "db/migrations.h"

#include <glog/logging.h>

#include <set>

#include "db/migration_plan.h"

namespace scale::db {

namespace {

// Key of the session-level advisory lock that serializes migrations across replicas ("SCALE").
constexpr const char* kMigrationLockKey = "357610638405";

void unlock(Connection& conn) {
  if (!conn.ok()) return;  // the server drops a dead session's advisory locks itself
  try {
    if (conn.in_transaction()) conn.exec("ROLLBACK");
    conn.exec("SELECT pg_advisory_unlock($1::bigint)", {kMigrationLockKey});
  } catch (const Error& e) {
    LOG(WARNING) << "db: releasing the migration lock failed: " << e.what();
  }
}

std::set<long long> applied_versions(Connection& conn) {
  conn.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version integer PRIMARY KEY,"
      " name text NOT NULL,"
      " applied_at timestamptz NOT NULL DEFAULT now())");
  Result rows = conn.exec("SELECT version FROM schema_migrations");
  std::set<long long> versions;
  for (int i = 0; i < rows.rows(); ++i) versions.insert(rows.integer(i, 0));
  return versions;
}

int apply_missing(Connection& conn) {
  const std::vector<Migration> plan = plan_migrations(embedded_migrations());
  std::set<long long> applied = applied_versions(conn);
  int count = 0;
  for (const Migration& m : plan) {
    if (applied.erase(m.version) > 0) continue;
    const auto started = std::chrono::steady_clock::now();
    // Schema change and its record commit together: a crash leaves the version either fully
    // applied and recorded, or neither.
    conn.transaction([&](Connection& c) {
      c.exec_script(m.sql);
      c.exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
             {std::to_string(m.version), m.name});
    });
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    LOG(INFO) << "db: applied migration " << m.version << " " << m.name << " in " << ms.count()
              << " ms";
    ++count;
  }
  // Left over: versions a newer binary applied. Its schema is a superset; carry on.
  for (long long version : applied) {
    LOG(WARNING) << "db: schema has migration " << version << " that this binary does not know";
  }
  return count;
}

}  // namespace

int migrate(Connection& conn) {
  if (conn.in_transaction()) throw Error("db: migrate needs a connection with no transaction open");
  conn.exec("SELECT pg_advisory_lock($1::bigint)", {kMigrationLockKey});
  int applied = 0;
  try {
    applied = apply_missing(conn);
  } catch (...) {
    unlock(conn);
    throw;
  }
  unlock(conn);
  return applied;
}

}  // namespace scale::db
