#include "db/connection.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "db/visible_snapshot.h"
#include "tests/integration/db/db_test_env.h"

namespace scale::db {
namespace {

using std::chrono::milliseconds;
using testing::fresh_database;

TEST(Connection, BadSqlThrowsServerMessageAndConnectionStaysUsable) {
  Connection conn(fresh_database());
  try {
    conn.exec("SELEC 1");
    FAIL() << "bad SQL did not throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("syntax error"), std::string::npos) << e.what();
    EXPECT_EQ(e.sqlstate(), "42601");
  }
  EXPECT_THROW(conn.exec("SELECT * FROM no_such_table"), Error);
  EXPECT_THROW(conn.exec("SELECT $1::int", {"not a number"}), Error);
  EXPECT_TRUE(conn.ok());
  EXPECT_EQ(conn.exec("SELECT 41 + 1").integer(0, 0), 42);
}

TEST(Connection, ParametersCarryNullsAndHostileTextVerbatim) {
  Connection conn(fresh_database());
  const std::string hostile = "O'Brien'); DROP TABLE x; --\n\\ $1";
  Result r = conn.exec("SELECT $1::text IS NULL, $2::text, $3::bigint",
                       {std::nullopt, hostile, "9007199254740993"});
  ASSERT_EQ(r.rows(), 1);
  ASSERT_EQ(r.columns(), 3);
  EXPECT_TRUE(r.boolean(0, 0));
  EXPECT_EQ(r.text(0, 1), hostile);
  EXPECT_EQ(r.integer(0, 2), 9007199254740993LL);

  Result n = conn.exec("SELECT NULL::text");
  EXPECT_TRUE(n.is_null(0, 0));
  EXPECT_EQ(n.text(0, 0), "");
  EXPECT_EQ(n.get(0, 0), std::nullopt);
  EXPECT_THROW(n.integer(0, 0), Error);
  EXPECT_THROW(n.text(1, 0), Error);  // out of range throws instead of reading garbage
}

TEST(Connection, RealReadsNumbersAndRefusesOtherText) {
  Connection conn(fresh_database());
  Result r = conn.exec("SELECT 2.5::float8, 0.1::numeric, -3::float8, 'x', NULL::float8");
  EXPECT_DOUBLE_EQ(r.real(0, 0), 2.5);
  EXPECT_DOUBLE_EQ(r.real(0, 1), 0.1);
  EXPECT_DOUBLE_EQ(r.real(0, 2), -3);
  EXPECT_THROW(r.real(0, 3), Error);
  EXPECT_THROW(r.real(0, 4), Error);
}

// Equal snapshots see the same rows: any transaction that completes, committed or rolled back,
// changes the next one, and reads do not.
TEST(Connection, TheVisibleSnapshotChangesOnlyWhenATransactionCompletes) {
  const auto conninfo = fresh_database();
  Connection reader(conninfo);
  Connection writer(conninfo);
  writer.exec("CREATE TABLE t (v int)");
  // PostgreSQL's own background transactions (autovacuum's ANALYZE of any database of the
  // server) complete now and then too, so of a few tries one must find the snapshot unchanged.
  bool unchanged = false;
  for (int i = 0; i < 5 && !unchanged; ++i) {
    const auto before = visible_snapshot(reader);
    reader.exec("SELECT count(*) FROM t");
    unchanged = visible_snapshot(reader) == before;
  }
  EXPECT_TRUE(unchanged) << "a read completes no transaction";
  writer.exec("BEGIN");
  writer.exec("INSERT INTO t VALUES (1)");
  const auto open = visible_snapshot(reader);
  writer.exec("COMMIT");
  const auto committed = visible_snapshot(reader);
  EXPECT_NE(committed, open);
  writer.exec("BEGIN");
  writer.exec("INSERT INTO t VALUES (2)");
  writer.exec("ROLLBACK");
  EXPECT_NE(visible_snapshot(reader), committed) << "a rolled back write changes it too";
  bool same = false;
  for (int i = 0; i < 5 && !same; ++i) {
    const Result in_query =
        reader.exec(std::string("SELECT count(*), ") + kVisibleSnapshotColumn + " FROM t");
    EXPECT_EQ(in_query.integer(0, 0), 1);
    same = in_query.text(0, 1) == visible_snapshot(reader);
  }
  EXPECT_TRUE(same) << "a query can return the snapshot its rows were read in";
}

TEST(Connection, AffectedCountsRows) {
  Connection conn(fresh_database());
  conn.exec("CREATE TABLE t (v int)");
  EXPECT_EQ(conn.exec("INSERT INTO t SELECT generate_series(1, 5)").affected(), 5);
  EXPECT_EQ(conn.exec("UPDATE t SET v = v + 1 WHERE v > $1", {"3"}).affected(), 2);
  EXPECT_EQ(conn.exec("DELETE FROM t WHERE v < 0").affected(), 0);
}

TEST(Connection, TransactionCommitsOrRollsBack) {
  Connection conn(fresh_database());
  conn.exec("CREATE TABLE t (v int)");
  conn.transaction([](Connection& c) { c.exec("INSERT INTO t VALUES (1)"); });
  EXPECT_THROW(conn.transaction([](Connection& c) {
    c.exec("INSERT INTO t VALUES (2)");
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  EXPECT_THROW(conn.transaction([](Connection& c) {
    c.exec("INSERT INTO t VALUES (3)");
    c.exec("INSERT INTO t VALUES ('x')");  // server error inside the transaction
  }),
               Error);
  EXPECT_FALSE(conn.in_transaction());
  EXPECT_EQ(conn.exec("SELECT count(*), max(v) FROM t").integer(0, 0), 1);

  // A nested transaction() joins the open one: the inner failure undoes the outer insert too.
  EXPECT_THROW(conn.transaction([](Connection& outer) {
    outer.exec("INSERT INTO t VALUES (4)");
    outer.transaction([](Connection& inner) {
      inner.exec("INSERT INTO t VALUES (5)");
      throw std::runtime_error("inner");
    });
  }),
               std::runtime_error);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM t").integer(0, 0), 1);
}

TEST(Connection, ConnectFailureNamesNoPassword) {
  const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(scale::test::free_port()) +
                               " user=nobody password=s3cret-pw dbname=x connect_timeout=2";
  try {
    Connection conn(conninfo);
    FAIL() << "connected to a port nothing listens on";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret-pw"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cannot connect"), std::string::npos) << e.what();
  }
}

TEST(Connection, NotificationsArriveAndWaitingTimesOut) {
  const std::string db = fresh_database();
  Connection listener(db);
  Connection sender(db);
  listener.listen("scale_test");

  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(listener.wait_notifications(milliseconds(150)).empty());
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(140));

  std::thread notify([&] { sender.exec("SELECT pg_notify('scale_test', $1)", {"hello"}); });
  std::vector<Notification> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (got.empty() && std::chrono::steady_clock::now() < deadline) {
    got = listener.wait_notifications(milliseconds(500));
  }
  notify.join();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].channel, "scale_test");
  EXPECT_EQ(got[0].payload, "hello");

  // Notifications that arrive while the listener runs a statement are kept for the next wait.
  sender.exec("SELECT pg_notify('scale_test', 'queued')");
  listener.exec("SELECT 1");
  got = listener.wait_notifications(milliseconds(2000));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "queued");
}

TEST(Connection, ListenQuotesTheChannelName) {
  Connection conn(fresh_database());
  conn.listen("odd\"name; SELECT 1");  // an identifier, quoted: no statement injected
  EXPECT_TRUE(conn.ok());
  EXPECT_EQ(conn.exec("SELECT count(*) FROM pg_listening_channels() c WHERE c = $1",
                      {"odd\"name; SELECT 1"})
                .integer(0, 0),
            1);
}

}  // namespace
}  // namespace scale::db
