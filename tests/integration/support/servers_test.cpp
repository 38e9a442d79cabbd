// Self-test of tests/support: real ZooKeeper and PostgreSQL servers, child process handling.

#include "tests/support/servers.h"

#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "gtest/gtest.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

long ms_since(Clock::time_point start) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

bool process_exists(pid_t pid) {
  return ::kill(pid, 0) == 0 || errno != ESRCH;
}

// Runs a query on a fresh connection; "" on any failure.
std::string query_one(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string value;
  if (PQstatus(conn) == CONNECTION_OK) {
    PGresult* res = PQexec(conn, sql.c_str());
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
      value = PQgetvalue(res, 0, 0);
    } else if (PQresultStatus(res) == PGRES_COMMAND_OK) {
      value = "ok";
    }
    PQclear(res);
  }
  PQfinish(conn);
  return value;
}

TEST(FreePort, DistinctAndBindable) {
  uint16_t a = free_port();
  uint16_t b = free_port();
  EXPECT_NE(a, b);
  EXPECT_GT(a, 0);
}

TEST(TempDirTest, RemovedRecursively) {
  std::filesystem::path path;
  {
    TempDir dir("selftest");
    path = dir.path();
    ASSERT_TRUE(std::filesystem::is_directory(path));
    std::filesystem::create_directories(path / "a" / "b");
    std::ofstream(path / "a" / "b" / "f") << "x";
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ChildProcessTest, OutputEnvAndExitStatus) {
  TempDir dir;
  ChildProcess child({"sh", "-c", "echo hello $SELFTEST_VAR; exit 3"}, dir.path() / "out.log",
                     {{"SELFTEST_VAR", "world"}});
  int status = child.wait(10s);
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_EQ(read_tail(dir.path() / "out.log"), "hello world\n");
  EXPECT_FALSE(child.running());
}

TEST(ChildProcessTest, SignalKillAndDestructorKill) {
  TempDir dir;
  ChildProcess term({"sleep", "60"}, dir.path() / "term.log");
  EXPECT_TRUE(term.running());
  EXPECT_EQ(term.wait(50ms), -1);
  term.signal(SIGTERM);
  int status = term.wait(10s);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);

  ChildProcess killed({"sleep", "60"}, dir.path() / "kill.log");
  killed.kill_and_wait();
  EXPECT_FALSE(killed.running());
  EXPECT_FALSE(process_exists(killed.pid()));

  pid_t pid;
  {
    ChildProcess scoped({"sleep", "60"}, dir.path() / "scoped.log");
    pid = scoped.pid();
    EXPECT_TRUE(process_exists(pid));
  }
  EXPECT_FALSE(process_exists(pid));  // reaped, so not even a zombie
}

TEST(ChildProcessTest, GroupKillTakesGrandchildren) {
  TempDir dir;
  std::filesystem::path pidfile = dir.path() / "grandchild.pid";
  ChildSpec spec{{"sh", "-c", "sleep 60 & echo $! > " + pidfile.string() + "; wait"},
                 dir.path() / "group.log"};
  ChildProcess child(spec);
  ASSERT_TRUE(wait_until([&] { return !read_tail(pidfile).empty(); }, 10s));
  pid_t grandchild = std::stoi(read_tail(pidfile));
  child.kill_and_wait();
  EXPECT_TRUE(wait_until([&] { return !process_exists(grandchild); }, 5s));
}

TEST(ChildProcessTest, DiesWithTheThreadThatStartedIt) {
  TempDir dir;
  std::filesystem::path log = dir.path() / "orphan.log";
  std::unique_ptr<ChildProcess> child;
  std::thread([&] {
    child = std::make_unique<ChildProcess>(
        std::vector<std::string>{"sh", "-c", "echo started; exec sleep 60"}, log);
    // Once it has exec'd, PR_SET_PDEATHSIG is armed; then this thread exits.
    ASSERT_TRUE(wait_until([&] { return !read_tail(log).empty(); }, 10s));
  }).join();
  int status = child->wait(10s);
  ASSERT_NE(status, -1) << "PR_SET_PDEATHSIG did not kill the child";
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(ChildProcessTest, MissingExecutableThrows) {
  TempDir dir;
  EXPECT_THROW(ChildProcess({"/nonexistent/binary"}, dir.path() / "x.log"), std::runtime_error);
}

TEST(MissingBinaries, ZooKeeperNamesThePackage) {
  std::string saved = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  setenv("PATH", "/nonexistent", 1);
  try {
    ZooKeeperServer zk;
    ADD_FAILURE() << "expected a throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("default-jre-headless"), std::string::npos) << e.what();
  }
  setenv("PATH", saved.c_str(), 1);
}

TEST(ZooKeeperServerTest, ServesStopsAndRestarts) {
  auto start = Clock::now();
  ZooKeeperServer zk;
  std::cout << "ZooKeeper standalone ready in " << ms_since(start) << " ms\n";
  EXPECT_EQ(zk.connect_string(), "127.0.0.1:" + std::to_string(zk.port()));
  EXPECT_NE(four_letter_word(zk.port(), "srvr").find("Mode: standalone"), std::string::npos);
  EXPECT_EQ(four_letter_word(zk.port(), "ruok"), "imok");
  zk.stop();
  EXPECT_EQ(four_letter_word(zk.port(), "srvr"), "");
  start = Clock::now();
  zk.start();
  std::cout << "ZooKeeper standalone restarted in " << ms_since(start) << " ms\n";
  EXPECT_NE(four_letter_word(zk.port(), "srvr").find("Mode: standalone"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(zk.log_path()));
}

TEST(ZooKeeperEnsembleTest, LeaderFailover) {
  auto start = Clock::now();
  ZooKeeperEnsemble zk(3);
  std::cout << "ZooKeeper ensemble quorum in " << ms_since(start) << " ms\n";
  ASSERT_EQ(zk.size(), 3);
  EXPECT_EQ(zk.connect_string(), zk.member_connect_string(0) + "," + zk.member_connect_string(1) +
                                     "," + zk.member_connect_string(2));
  int leader = zk.leader_index();
  ASSERT_GE(leader, 0);

  zk.kill(leader);
  EXPECT_FALSE(zk.is_running(leader));
  EXPECT_EQ(four_letter_word(zk.member_port(leader), "srvr"), "");
  start = Clock::now();
  ASSERT_TRUE(zk.wait_quorum(15s));
  std::cout << "ZooKeeper quorum back after leader kill in " << ms_since(start) << " ms\n";
  int new_leader = zk.leader_index();
  EXPECT_GE(new_leader, 0);
  EXPECT_NE(new_leader, leader);

  start = Clock::now();
  zk.start(leader);
  ASSERT_TRUE(zk.wait_quorum(15s));
  std::cout << "ZooKeeper old leader rejoined in " << ms_since(start) << " ms\n";
  EXPECT_NE(four_letter_word(zk.member_port(leader), "srvr").find("Mode: follower"),
            std::string::npos);
}

TEST(PostgresServerTest, CreateDatabaseRestartReconnect) {
  auto start = Clock::now();
  PostgresServer pg;
  std::cout << "PostgreSQL initdb + start in " << ms_since(start) << " ms\n";
  EXPECT_EQ(query_one(pg.conninfo(), "SELECT 1"), "1");

  std::string conninfo = pg.create_database("selftest \"odd\" db");
  EXPECT_EQ(query_one(conninfo, "SELECT current_database()"), "selftest \"odd\" db");
  EXPECT_EQ(query_one(conninfo, "CREATE TABLE t (v int); INSERT INTO t VALUES (42)"), "ok");

  pg.stop();
  EXPECT_EQ(PQping(conninfo.c_str()), PQPING_NO_RESPONSE);
  start = Clock::now();
  pg.start();
  std::cout << "PostgreSQL restart in " << ms_since(start) << " ms\n";
  EXPECT_EQ(query_one(conninfo, "SELECT v FROM t"), "42");

  pg.restart();
  EXPECT_EQ(query_one(conninfo, "SELECT v FROM t"), "42");
  // create_database gives a fresh, empty database even when the name exists.
  EXPECT_EQ(pg.create_database("selftest \"odd\" db"), conninfo);
  EXPECT_EQ(query_one(conninfo, "SELECT count(*) FROM pg_tables WHERE tablename = 't'"), "0");
}

// A synchronous standby has every commit the primary acknowledged; promoted after the primary
// crashed, it takes writes, and the two-host conninfo finds it on its own.
TEST(PostgresStandbyTest, SynchronousStandbyPromotedAfterAPrimaryCrashHasEveryCommit) {
  PostgresServer primary;
  const std::string db = primary.create_database("failover");
  auto start = Clock::now();
  PostgresStandby standby(primary);
  std::cout << "PostgreSQL standby (base backup + start, streaming) in " << ms_since(start)
            << " ms\n";
  const std::string either = failover_conninfo(primary, standby, "failover");
  EXPECT_EQ(query_one(either, "CREATE TABLE t (v int); INSERT INTO t VALUES (1)"), "ok");
  EXPECT_EQ(query_one(standby.conninfo("failover"), "SELECT count(*) FROM t"), "1");
  EXPECT_EQ(query_one(standby.conninfo("failover"), "SELECT pg_is_in_recovery()"), "t");
  EXPECT_EQ(
      query_one(db, "SELECT setting FROM pg_settings WHERE name = 'synchronous_standby_names'"),
      "scale_standby");

  primary.crash();
  start = Clock::now();
  standby.promote();
  std::cout << "PostgreSQL promotion in " << ms_since(start) << " ms\n";
  EXPECT_EQ(query_one(either, "INSERT INTO t VALUES (2); SELECT count(*) FROM t"), "2");
}

}  // namespace
}  // namespace scale::test
