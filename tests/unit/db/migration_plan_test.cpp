#include "db/migration_plan.h"

#include <gtest/gtest.h>

#include "db/error.h"

namespace scale::db {
namespace {

TEST(MigrationFileName, ParsesVersionAndName) {
  std::optional<Migration> m = parse_migration_file_name("001_initial.sql");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->version, 1);
  EXPECT_EQ(m->name, "initial");

  m = parse_migration_file_name("0120_add_job_exe_index.sql");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->version, 120);
  EXPECT_EQ(m->name, "add_job_exe_index");
}

TEST(MigrationFileName, RejectsMalformedNames) {
  for (const char* bad : {"initial.sql", "01_short.sql", "001_.sql", "001initial.sql",
                          "001_initial.SQL", "001_initial.sql.bak", "000_zero.sql", "001_Upper.sql",
                          "001_has-dash.sql", "00a_x.sql", ".sql", ""}) {
    EXPECT_FALSE(parse_migration_file_name(bad)) << bad;
  }
}

TEST(MigrationPlan, OrdersByVersionNotByListing) {
  std::vector<EmbeddedMigration> files = {
      {"010_ten.sql", "SELECT 10"}, {"002_two.sql", "SELECT 2"}, {"001_one.sql", "SELECT 1"}};
  std::vector<Migration> plan = plan_migrations(files);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].version, 1);
  EXPECT_EQ(plan[0].sql, "SELECT 1");
  EXPECT_EQ(plan[1].version, 2);
  EXPECT_EQ(plan[2].version, 10);
  EXPECT_EQ(plan[2].name, "ten");
}

TEST(MigrationPlan, RejectsDuplicateVersionsAndBadNames) {
  EXPECT_THROW(plan_migrations({{"001_a.sql", ""}, {"0001_b.sql", ""}}), Error);
  EXPECT_THROW(plan_migrations({{"001_a.sql", ""}, {"notes.txt", ""}}), Error);
  EXPECT_TRUE(plan_migrations({}).empty());
}

// The files really compiled into the library: numbered 1..N without gaps, each non-empty.
TEST(MigrationPlan, EmbeddedFilesAreContiguousFromOne) {
  std::vector<Migration> plan = plan_migrations(embedded_migrations());
  ASSERT_FALSE(plan.empty());
  for (size_t i = 0; i < plan.size(); ++i) {
    EXPECT_EQ(plan[i].version, static_cast<int>(i) + 1) << plan[i].name;
    EXPECT_FALSE(plan[i].sql.empty()) << plan[i].name;
  }
  EXPECT_EQ(plan[0].name, "initial");
  EXPECT_NE(plan[0].sql.find("CREATE TABLE leadership"), std::string_view::npos);
}

}  // namespace
}  // namespace scale::db
