#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "db/connection.h"
#include "tests/integration/db/db_test_env.h"

namespace scale::db {
namespace {

using std::chrono::milliseconds;
using testing::fresh_database;
using testing::server;

TEST(Pool, NeverLendsMoreThanItsSizeUnderConcurrency) {
  Pool pool(fresh_database(), 3);
  std::atomic<int> out{0};
  std::atomic<int> max_out{0};
  std::atomic<int> failures{0};
  std::mutex mu;
  std::set<int> backends;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        try {
          Pool::Lease lease = pool.acquire(std::chrono::seconds(10));
          const int now = ++out;
          int seen = max_out.load();
          while (now > seen && !max_out.compare_exchange_weak(seen, now)) {
          }
          Result r = lease->exec("SELECT $1::int * 2, pg_backend_pid()", {std::to_string(t * i)});
          if (r.integer(0, 0) != 2 * t * i) ++failures;
          {
            std::lock_guard lock(mu);
            backends.insert(static_cast<int>(r.integer(0, 1)));
          }
          --out;
        } catch (const Error&) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(max_out.load(), 3);
  EXPECT_GE(max_out.load(), 1);
  EXPECT_LE(backends.size(), 3u);  // connections are reused, not reopened
}

TEST(Pool, AcquireTimesOutWhenAllAreLent) {
  Pool pool(fresh_database(), 1);
  Pool::Lease held = pool.acquire();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(pool.acquire(milliseconds(150)), Error);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(140));

  // A lease handed back wakes a waiter.
  std::thread giver([lease = std::move(held)]() mutable { Pool::Lease gone = std::move(lease); });
  Pool::Lease next = pool.acquire(std::chrono::seconds(5));
  giver.join();
  EXPECT_EQ(next->exec("SELECT 1").integer(0, 0), 1);
}

TEST(Pool, RollsBackATransactionLeftOpen) {
  const std::string db = fresh_database();
  Pool pool(db, 1);
  {
    Pool::Lease lease = pool.acquire();
    lease->exec("CREATE TABLE t (v int)");
    lease->exec("BEGIN");
    lease->exec("INSERT INTO t VALUES (1)");
  }
  Pool::Lease lease = pool.acquire();
  EXPECT_FALSE(lease->in_transaction());
  EXPECT_EQ(lease->exec("SELECT count(*) FROM t").integer(0, 0), 0);
}

TEST(Pool, ReplacesAConnectionBrokenWhileLent) {
  const std::string db = fresh_database();
  Pool pool(db, 1);
  Connection admin(db);
  int first_pid = 0;
  {
    Pool::Lease lease = pool.acquire();
    first_pid = lease->backend_pid();
    admin.exec("SELECT pg_terminate_backend($1)", {std::to_string(first_pid)});
    EXPECT_THROW(lease->exec("SELECT 1"), Error);
    EXPECT_FALSE(lease->ok());
  }
  Pool::Lease lease = pool.acquire();
  EXPECT_TRUE(lease->ok());
  EXPECT_NE(lease->backend_pid(), first_pid);
  EXPECT_EQ(lease->exec("SELECT 1").integer(0, 0), 1);
}

TEST(Pool, ReplacesIdleConnectionsAfterServerRestart) {
  const std::string db = fresh_database();
  Pool pool(db, 2);
  {
    Pool::Lease a = pool.acquire();
    Pool::Lease b = pool.acquire();
    EXPECT_EQ(a->exec("SELECT 1").integer(0, 0), 1);
    EXPECT_EQ(b->exec("SELECT 1").integer(0, 0), 1);
  }
  server().restart();
  // Both idle connections died with the old server; acquire notices without a failed query.
  for (int i = 0; i < 4; ++i) {
    Pool::Lease lease = pool.acquire();
    EXPECT_EQ(lease->exec("SELECT 1").integer(0, 0), 1) << "attempt " << i;
  }
  Pool::Lease a = pool.acquire();
  Pool::Lease b = pool.acquire();
  EXPECT_EQ(a->exec("SELECT 2").integer(0, 0), 2);
  EXPECT_EQ(b->exec("SELECT 2").integer(0, 0), 2);
}

TEST(Pool, ConnectFailureFreesTheSlot) {
  const uint16_t port = scale::test::free_port();
  Pool pool("host=127.0.0.1 port=" + std::to_string(port) + " dbname=x connect_timeout=2", 1);
  EXPECT_THROW(pool.acquire(milliseconds(500)), Error);
  // The failed attempt gave its slot back: the next acquire fails the same way, not by timeout.
  try {
    pool.acquire(milliseconds(500));
    FAIL() << "connected to a port nothing listens on";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace scale::db
