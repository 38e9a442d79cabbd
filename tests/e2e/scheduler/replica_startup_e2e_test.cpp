// A replica started with bad configuration fails fast with one clear line and a non-zero exit.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "tests/support/built_binary.h"
#include "tests/support/servers.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;

struct Outcome {
  int exit_code = -1;
  std::string output;
};

Outcome run_replica(const std::vector<std::string>& flags,
                    const std::map<std::string, std::string>& env = {}) {
  TempDir dir("scale-startup");
  const auto log = dir.path() / "replica.log";
  std::vector<std::string> argv{built_binary("scheduler/scale-scheduler")};
  argv.insert(argv.end(), flags.begin(), flags.end());
  ChildProcess replica(argv, log, env);
  Outcome outcome;
  const int status = replica.wait(20s);
  if (status != -1 && WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  outcome.output = text.str();
  return outcome;
}

size_t lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

TEST(ReplicaStartup, MissingZooKeeperIsOneLineAndExit2) {
  auto outcome = run_replica({"--db=host=127.0.0.1"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.output.find("--zk is required"), std::string::npos) << outcome.output;
  EXPECT_EQ(lines(outcome.output), 1u) << outcome.output;
}

TEST(ReplicaStartup, MalformedListenIsOneLineAndExit2) {
  auto outcome = run_replica({"--zk=127.0.0.1:2181", "--db=host=127.0.0.1", "--listen=nonsense"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.output.find("--listen"), std::string::npos) << outcome.output;
  EXPECT_EQ(lines(outcome.output), 1u) << outcome.output;
}

TEST(ReplicaStartup, UnknownFlagExitsNonZero) {
  auto outcome = run_replica({"--zk=127.0.0.1:2181", "--no_such_flag=1"});
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_NE(outcome.output.find("no_such_flag"), std::string::npos) << outcome.output;
}

TEST(ReplicaStartup, CorruptFlagfileIsOneLineAndExitsNonZero) {
  TempDir dir("scale-flagfile");
  const auto flagfile = dir.path() / "replica.flags";
  std::ofstream(flagfile) << "--zk=127.0.0.1:2181\n--zk_session_timeout_ms=ten seconds\n";
  auto outcome = run_replica({"--flagfile=" + flagfile.string()});
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_NE(outcome.output.find("zk_session_timeout_ms"), std::string::npos) << outcome.output;
  EXPECT_EQ(lines(outcome.output), 1u) << outcome.output;

  outcome = run_replica({"--flagfile=" + (dir.path() / "missing.flags").string()});
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_NE(outcome.output.find("missing.flags"), std::string::npos) << outcome.output;
  EXPECT_EQ(lines(outcome.output), 1u) << outcome.output;
}

TEST(ReplicaStartup, UnreachableDatabaseIsOneLineAndExit1WithoutThePassword) {
  const uint16_t nothing_listens = free_port();
  auto outcome =
      run_replica({"--zk=127.0.0.1:2181", "--startup_timeout_s=1",
                   "--listen=127.0.0.1:" + std::to_string(free_port())},
                  {{"FLAGS_db", "host=127.0.0.1 port=" + std::to_string(nothing_listens) +
                                    " user=scale password=sekrit-value connect_timeout=1"}});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_NE(outcome.output.find("database unreachable"), std::string::npos) << outcome.output;
  EXPECT_EQ(outcome.output.find("sekrit-value"), std::string::npos) << outcome.output;
  EXPECT_EQ(lines(outcome.output), 1u) << outcome.output;
}

TEST(ReplicaStartup, UnreachableZooKeeperFailsFastWithOneClearLastLine) {
  PostgresServer postgres;
  const uint16_t nothing_listens = free_port();
  auto outcome = run_replica({"--zk=127.0.0.1:" + std::to_string(nothing_listens),
                              "--startup_timeout_s=2", "--db=" + postgres.conninfo(),
                              "--listen=127.0.0.1:" + std::to_string(free_port())});
  EXPECT_EQ(outcome.exit_code, 1);
  // The ZooKeeper client may have logged its connection attempts; the verdict is the last line.
  std::string text = outcome.output;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const std::string last = text.substr(text.rfind('\n') + 1);
  EXPECT_EQ(last.rfind("scale-scheduler: ZooKeeper unreachable after 2 s", 0), 0u)
      << outcome.output;
}

}  // namespace
}  // namespace scale::test
