#include "db/term_history.h"

#include <gtest/gtest.h>

#include "db/fence.h"
#include "tests/integration/db/db_test_env.h"

namespace scale::db {
namespace {

using testing::migrated_database;

LeaderRecord replica(long long epoch) {
  return {epoch, "replica-" + std::to_string(epoch), "http://127.0.0.1:1", ""};
}

TEST(TermHistory, StepsAreKeptInOrderAndTheEndOnce) {
  Connection conn(migrated_database());
  ASSERT_TRUE(Fence::promote(conn, replica(5)));
  TermHistory::add_steps(conn, 5, {{"elected", 0}, {"fenced", 12}});
  TermHistory::add_steps(conn, 5, {{"state_loaded", 40}});
  TermHistory::add_steps(conn, 5, {});
  const auto terms = TermHistory::recent(conn, 20);
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(terms[0].epoch, 5);
  EXPECT_EQ(terms[0].replica_id, "replica-5");
  EXPECT_FALSE(terms[0].started.empty());
  EXPECT_TRUE(terms[0].ended.empty());
  ASSERT_EQ(terms[0].steps.size(), 3u);
  EXPECT_EQ(terms[0].steps[0].name, "elected");
  EXPECT_EQ(terms[0].steps[1].ms, 12);
  EXPECT_EQ(terms[0].steps[2].name, "state_loaded");
  TermHistory::end(conn, 5, "resigned");
  TermHistory::end(conn, 5, "fenced out");  // the first reason stays
  EXPECT_EQ(TermHistory::recent(conn, 20)[0].end_reason, "resigned");
  EXPECT_FALSE(TermHistory::recent(conn, 20)[0].ended.empty());
}

// A leader SIGKILLed cannot say why its term ended: the next promotion closes it.
TEST(TermHistory, ANewTermClosesTheOlderOnesStillOpen) {
  Connection conn(migrated_database());
  ASSERT_TRUE(Fence::promote(conn, replica(5)));
  ASSERT_TRUE(Fence::promote(conn, replica(9)));
  const auto terms = TermHistory::recent(conn, 20);
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].epoch, 9);  // newest first
  EXPECT_TRUE(terms[0].ended.empty());
  EXPECT_EQ(terms[1].end_reason, "superseded");
  EXPECT_EQ(TermHistory::recent(conn, 1).size(), 1u);
}

// Only the term holding the fence writes its history.
TEST(TermHistory, AnOlderTermWritesNothing) {
  Connection conn(migrated_database());
  ASSERT_TRUE(Fence::promote(conn, replica(5)));
  ASSERT_TRUE(Fence::promote(conn, replica(9)));
  EXPECT_THROW(TermHistory::add_steps(conn, 5, {{"subscribed", 100}}), FencedOut);
  EXPECT_THROW(TermHistory::end(conn, 5, "resigned"), FencedOut);
  EXPECT_EQ(TermHistory::recent(conn, 20)[1].end_reason, "superseded");
}

}  // namespace
}  // namespace scale::db
