// Integration: deploy/postgres-bootstrap.sql on a real PostgreSQL 15. psql runs it as the
// superuser, exactly as docs/deployment.md says; then the replica role it made runs the embedded
// migrations and writes through the stores (what a replica does at start-up and as a leader), and
// is refused everything least privilege excludes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "db/connection.h"
#include "db/error.h"
#include "db/fence.h"
#include "db/job_store.h"
#include "db/migrations.h"
#include "db/scheduler_settings_store.h"
#include "db/status_store.h"
#include "tests/support/servers.h"

namespace scale::deploy {
namespace {

using scale::test::ChildProcess;
using scale::test::PostgresServer;
using scale::test::TempDir;

constexpr auto kPsqlDeadline = std::chrono::seconds(60);
constexpr const char* kInsufficientPrivilege = "42501";
constexpr const char* kPassword = "correct horse battery staple";

// One server for the whole binary; started from the main thread by the first test.
PostgresServer& server() {
  static std::unique_ptr<PostgresServer> instance = std::make_unique<PostgresServer>();
  return *instance;
}

TempDir& scratch() {
  static TempDir dir("scale-deploy-test");
  return dir;
}

std::filesystem::path bootstrap_sql() {
  const char* source = std::getenv("SCALE_SOURCE_DIR");
  if (source == nullptr)
    throw std::runtime_error("SCALE_SOURCE_DIR is not set (run it with ctest)");
  return std::filesystem::path(source) / "deploy" / "postgres-bootstrap.sql";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct PsqlRun {
  int exit_code = -1;  // -1: killed or timed out
  std::string output;  // stdout + stderr
};

// psql -f deploy/postgres-bootstrap.sql as the superuser, with -v NAME=VALUE for each variable.
PsqlRun run_bootstrap(const std::vector<std::pair<std::string, std::string>>& variables = {}) {
  static int runs = 0;
  const std::filesystem::path log = scratch().path() / ("psql-" + std::to_string(++runs) + ".log");
  std::vector<std::string> argv = {"psql", "-X",        "-v", "ON_ERROR_STOP=1",
                                   "-h",   "127.0.0.1", "-p", std::to_string(server().port()),
                                   "-U",   "postgres",  "-d", "postgres"};
  for (const auto& [name, value] : variables) {
    argv.push_back("-v");
    argv.push_back(name + "=" + value);
  }
  argv.push_back("-f");
  argv.push_back(bootstrap_sql().string());
  ChildProcess psql(argv, log);
  const int status = psql.wait(kPsqlDeadline);
  PsqlRun run;
  run.output = read_file(log);
  if (status != -1 && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

std::filesystem::path write_secret(const std::string& name, const std::string& content) {
  const std::filesystem::path path = scratch().path() / name;
  std::ofstream(path) << content << "\n";
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return path;
}

// Bootstraps the default names (role scale, database scale) with a password; idempotent, so every
// test may call it.
void bootstrap_scale() {
  const PsqlRun run = run_bootstrap({{"password_file", write_secret("scale-password", kPassword)}});
  ASSERT_EQ(run.exit_code, 0) << run.output;
}

std::string conninfo_as(const std::string& user, const std::string& db) {
  return "host=127.0.0.1 port=" + std::to_string(server().port()) + " user=" + user +
         " dbname=" + db + " connect_timeout=5";
}

std::string superuser(const std::string& db) {
  return conninfo_as("postgres", db);
}

// The SQLSTATE of what `sql` throws when the replica role runs it ("" when it succeeds).
std::string sqlstate_of(db::Connection& conn, const std::string& sql) {
  try {
    conn.exec(sql);
  } catch (const db::Error& e) {
    return e.sqlstate();
  }
  return "";
}

// The error of connecting, or "" when the connection is accepted.
std::string connect_error(const std::string& conninfo) {
  try {
    db::Connection conn(conninfo);
  } catch (const db::Error& e) {
    return e.what();
  }
  return "";
}

TEST(PostgresBootstrap, TheRoleMigratesAndWritesLikeAReplica) {
  // Names of its own (and a schema not named after the role), so the first migration is this
  // test's whatever order the tests run in.
  const PsqlRun run = run_bootstrap({{"role", "sched"},
                                     {"owner", "sched_owner"},
                                     {"db", "sched_db"},
                                     {"schema", "scheduling"},
                                     {"password_file", write_secret("sched-password", kPassword)}});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  db::Connection conn(conninfo_as("sched", "sched_db"));

  // Start-up of every replica: the embedded migrations, under the advisory lock.
  EXPECT_GT(db::migrate(conn), 0);
  EXPECT_EQ(db::migrate(conn), 0);

  // A user intent, as any replica writes it.
  db::NewJob job;
  job.name = "bootstrap-check";
  job.command = "true";
  job.resources.cpus = 1;
  job.resources.mem = 64;
  const db::Job stored = db::JobStore::submit(conn, job);
  EXPECT_GT(stored.id, 0);
  db::SchedulerSettingsPatch pause;
  pause.is_paused = true;
  EXPECT_TRUE(db::SchedulerSettingsStore::patch(conn, pause).is_paused);

  // A leader: promotion through the fence, then a fenced write.
  db::LeaderRecord me;
  me.epoch = 7;
  me.replica_id = "sched1";
  me.api_url = "http://sched1:8000";
  ASSERT_TRUE(db::Fence::promote(conn, me));
  db::Fence::run(conn, me.epoch,
                 [](db::Connection& c) { db::StatusStore::write(c, 7, R"({"timestamp":"now"})"); });
  ASSERT_TRUE(db::StatusStore::read(conn).has_value());
  EXPECT_EQ(db::StatusStore::read(conn)->epoch, 7);

  // Every table landed in the role's schema, owned by the role; nothing in public.
  db::Connection admin(superuser("sched_db"));
  db::Result tables = admin.exec(
      "SELECT count(*) FILTER (WHERE schemaname = $1 AND tableowner = $2),"
      " count(*) FILTER (WHERE schemaname = 'public')"
      " FROM pg_tables WHERE schemaname IN ($1, 'public')",
      {"scheduling", "sched"});
  EXPECT_GE(tables.integer(0, 0), 6);  // 001 alone creates six
  EXPECT_EQ(tables.integer(0, 1), 0);
}

TEST(PostgresBootstrap, TheRoleHasNothingBeyondItsSchema) {
  bootstrap_scale();
  db::Connection admin(superuser("postgres"));
  db::Result role = admin.exec(
      "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin,"
      " rolconnlimit, rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = $1",
      {"scale"});
  ASSERT_EQ(role.rows(), 1);
  EXPECT_FALSE(role.boolean(0, 0)) << "superuser";
  EXPECT_FALSE(role.boolean(0, 1)) << "createdb";
  EXPECT_FALSE(role.boolean(0, 2)) << "createrole";
  EXPECT_FALSE(role.boolean(0, 3)) << "replication";
  EXPECT_FALSE(role.boolean(0, 4)) << "bypassrls";
  EXPECT_TRUE(role.boolean(0, 5)) << "login";
  EXPECT_EQ(role.integer(0, 6), 50);
  EXPECT_TRUE(role.boolean(0, 7)) << "password stored as a SCRAM verifier";
  EXPECT_EQ(read_file(server().log_path()).find(kPassword), std::string::npos)
      << "the password reached the server log";

  // The database belongs to the owner role, which cannot log in.
  db::Result owner = admin.exec(
      "SELECT r.rolname, r.rolcanlogin FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba"
      " WHERE d.datname = $1",
      {"scale"});
  ASSERT_EQ(owner.rows(), 1);
  EXPECT_EQ(owner.text(0, 0), "scale_owner");
  EXPECT_FALSE(owner.boolean(0, 1));

  db::Connection conn(conninfo_as("scale", "scale"));
  EXPECT_EQ(sqlstate_of(conn, "CREATE DATABASE scale_copy"), kInsufficientPrivilege);
  EXPECT_EQ(sqlstate_of(conn, "CREATE ROLE scale_friend LOGIN"), kInsufficientPrivilege);
  EXPECT_EQ(sqlstate_of(conn, "CREATE SCHEMA scale_more"), kInsufficientPrivilege);
  EXPECT_EQ(sqlstate_of(conn, "CREATE TABLE public.elsewhere (id integer)"),
            kInsufficientPrivilege);
  EXPECT_EQ(sqlstate_of(conn, "CREATE TEMP TABLE scratch (id integer)"), kInsufficientPrivilege);
  EXPECT_EQ(sqlstate_of(conn, "ALTER DATABASE scale CONNECTION LIMIT 1000"),
            kInsufficientPrivilege);
  EXPECT_EQ(sqlstate_of(conn, "DROP SCHEMA scale"), kInsufficientPrivilege);
  EXPECT_EQ(conn.exec("SHOW search_path").text(0, 0), "scale");

  // No other database: the maintenance ones, nor another application bootstrapped the same way.
  EXPECT_NE(connect_error(conninfo_as("scale", "postgres")).find("permission denied"),
            std::string::npos);
  EXPECT_NE(connect_error(conninfo_as("scale", "template1")).find("permission denied"),
            std::string::npos);
  const PsqlRun other =
      run_bootstrap({{"role", "billing"}, {"owner", "billing_owner"}, {"db", "billing"}});
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_EQ(connect_error(conninfo_as("billing", "billing")), "");
  EXPECT_NE(connect_error(conninfo_as("scale", "billing")).find("permission denied"),
            std::string::npos);
  EXPECT_NE(connect_error(conninfo_as("billing", "scale")).find("permission denied"),
            std::string::npos);

  // Nor may anyone else connect to the scheduler's database.
  admin.exec("CREATE ROLE passer_by LOGIN");
  EXPECT_NE(connect_error(conninfo_as("passer_by", "scale")).find("permission denied"),
            std::string::npos);
  EXPECT_EQ(connect_error(superuser("scale")), "");
}

TEST(PostgresBootstrap, TheConnectionLimitHolds) {
  const PsqlRun run = run_bootstrap(
      {{"role", "tight"}, {"owner", "tight_owner"}, {"db", "tight"}, {"conn_limit", "2"}});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  db::Connection first(conninfo_as("tight", "tight"));
  db::Connection second(conninfo_as("tight", "tight"));
  EXPECT_NE(connect_error(conninfo_as("tight", "tight")).find("too many connections"),
            std::string::npos);
}

TEST(PostgresBootstrap, RunningItAgainKeepsTheData) {
  bootstrap_scale();
  db::Connection before(conninfo_as("scale", "scale"));
  db::migrate(before);
  db::NewJob job;
  job.name = "survives-rerun";
  job.command = "true";
  job.resources.cpus = 1;
  const long long id = db::JobStore::submit(before, job).id;

  bootstrap_scale();
  db::Connection after(conninfo_as("scale", "scale"));
  EXPECT_EQ(db::migrate(after), 0);
  ASSERT_TRUE(db::JobStore::get(after, id).has_value());
  EXPECT_EQ(db::JobStore::get(after, id)->job.name, "survives-rerun");
}

TEST(PostgresBootstrap, RefusesBadInputWithOneClearLine) {
  PsqlRun run = run_bootstrap({{"role", "odd"}, {"db", "odd"}, {"conn_limit", "5; DROP"}});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("conn_limit must be a whole number"), std::string::npos) << run.output;

  run = run_bootstrap(
      {{"role", "odd"}, {"db", "odd"}, {"password_file", write_secret("short", "abc")}});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("at least 12 characters"), std::string::npos) << run.output;

  run = run_bootstrap({{"role", "odd"}, {"owner", "odd"}, {"db", "odd"}});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("two different"), std::string::npos) << run.output;

  run = run_bootstrap({{"role", "odd"}, {"db", "postgres"}});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("db must not be postgres"), std::string::npos) << run.output;

  // Nothing was created by the refused runs.
  db::Connection admin(superuser("postgres"));
  EXPECT_EQ(admin.exec("SELECT count(*) FROM pg_roles WHERE rolname = $1", {"odd"}).integer(0, 0),
            0);
}

}  // namespace
}  // namespace scale::deploy
