#include "tests/integration/db/db_test_env.h"

#include <memory>

#include "db/connection.h"
#include "db/migrations.h"

namespace scale::db::testing {

scale::test::PostgresServer& server() {
  static std::unique_ptr<scale::test::PostgresServer> instance =
      std::make_unique<scale::test::PostgresServer>();
  return *instance;
}

std::string fresh_database() {
  static int counter = 0;
  return server().create_database("db_test_" + std::to_string(++counter));
}

std::string migrated_database() {
  std::string conninfo = fresh_database();
  Connection conn(conninfo);
  migrate(conn);
  return conninfo;
}

}  // namespace scale::db::testing
