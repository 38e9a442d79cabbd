#include "db/migrations.h"

#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "db/migration_plan.h"
#include "tests/integration/db/db_test_env.h"

namespace scale::db {
namespace {

using testing::fresh_database;

const std::vector<std::string> kTables = {"scheduler",  "scheduler_status",
                                          "leadership", "leadership_term",
                                          "framework",  "schema_migrations"};

int migration_count() {
  return static_cast<int>(plan_migrations(embedded_migrations()).size());
}

void expect_one_correct_schema(Connection& conn) {
  for (const std::string& table : kTables) {
    EXPECT_FALSE(conn.exec("SELECT to_regclass($1)", {table}).is_null(0, 0)) << table;
  }
  Result versions = conn.exec(
      "SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version");
  ASSERT_EQ(versions.rows(), migration_count());
  for (int i = 0; i < versions.rows(); ++i) {
    EXPECT_EQ(versions.integer(i, 0), i + 1);
    EXPECT_EQ(versions.integer(i, 1), 1) << "version " << i + 1 << " recorded twice";
  }
  EXPECT_EQ(conn.exec("SELECT count(*) FROM scheduler").integer(0, 0), 1);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM leadership").integer(0, 0), 1);
}

TEST(Migrations, ThreeReplicasMigratingAtOnceLeaveOneSchema) {
  const std::string db = fresh_database();
  constexpr int kReplicas = 3;
  std::latch start(kReplicas);
  std::vector<int> applied(kReplicas, -1);
  std::vector<std::string> errors(kReplicas);
  std::vector<std::thread> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.emplace_back([&, i] {
      try {
        Connection conn(db);
        start.arrive_and_wait();  // all connected, then all migrate at the same moment
        applied[i] = migrate(conn);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (std::thread& t : replicas) t.join();
  int total = 0;
  for (int i = 0; i < kReplicas; ++i) {
    EXPECT_EQ(errors[i], "") << "replica " << i;
    EXPECT_TRUE(applied[i] == 0 || applied[i] == migration_count()) << applied[i];
    total += applied[i];
  }
  EXPECT_EQ(total, migration_count());  // exactly one replica did the work

  Connection conn(db);
  expect_one_correct_schema(conn);
  // The advisory lock was released by every replica: a fresh session can take it at once.
  EXPECT_TRUE(conn.exec("SELECT pg_try_advisory_lock(357610638405)").boolean(0, 0));
}

TEST(Migrations, SecondRunIsANoOp) {
  Connection conn(fresh_database());
  EXPECT_EQ(migrate(conn), migration_count());
  conn.exec("UPDATE scheduler SET is_paused = true");
  EXPECT_EQ(migrate(conn), 0);
  expect_one_correct_schema(conn);
  EXPECT_TRUE(conn.exec("SELECT is_paused FROM scheduler").boolean(0, 0));  // data untouched
}

TEST(Migrations, ToleratesVersionsFromANewerBinary) {
  Connection conn(fresh_database());
  migrate(conn);
  conn.exec("INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')");
  EXPECT_EQ(migrate(conn), 0);
}

TEST(Migrations, FailureReleasesTheLockAndRecordsNothing) {
  const std::string db = fresh_database();
  Connection conn(db);
  // A table in the way makes 001 fail half-way; its transaction must leave no trace.
  conn.exec("CREATE TABLE framework (x int)");
  EXPECT_THROW(migrate(conn), Error);
  EXPECT_FALSE(conn.in_transaction());
  EXPECT_TRUE(conn.exec("SELECT to_regclass('scheduler')").is_null(0, 0));
  EXPECT_EQ(conn.exec("SELECT count(*) FROM schema_migrations").integer(0, 0), 0);
  Connection other(db);
  EXPECT_TRUE(other.exec("SELECT pg_try_advisory_lock(357610638405)").boolean(0, 0));
}

TEST(Migrations, SchemaEnforcesSingleRowsAndValidSettings) {
  Connection conn(testing::migrated_database());
  EXPECT_THROW(conn.exec("INSERT INTO scheduler (id) VALUES (2)"), Error);
  EXPECT_THROW(conn.exec("UPDATE scheduler SET queue_mode = 'RANDOM'"), Error);
  EXPECT_THROW(conn.exec("UPDATE scheduler SET system_logging_level = 'LOUD'"), Error);
  EXPECT_THROW(conn.exec("UPDATE scheduler SET num_message_handlers = -1"), Error);
  EXPECT_THROW(conn.exec("INSERT INTO leadership (id, epoch) VALUES (2, 1)"), Error);
  EXPECT_EQ(conn.exec("SELECT epoch FROM leadership WHERE id = 1").integer(0, 0), 0);
}

}  // namespace
}  // namespace scale::db
