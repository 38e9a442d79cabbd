// The real scale-scheduler binary with its security flags: bad secret or TLS files fail fast
// with one line (exit 2) that never quotes a secret; a secured replica serves https, wants the
// token for writes, advertises an https:// URL and guards its election node with the digest ACL,
// and a replica without the ZooKeeper credential exits 1 with one clear line instead of hanging.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "cluster/candidate_info.h"
#include "cluster/election.h"
#include "cluster/members.h"
#include "cluster/session.h"
#include "secure_http_client.h"
#include "self_signed_cert.h"
#include "tests/support/built_binary.h"
#include "tests/support/servers.h"

namespace scale::api::testing {
namespace {

using namespace std::chrono_literals;
using scale::test::ChildProcess;
using scale::test::wait_until;

const std::string kToken = "replica-t0ken";
const std::string kZkPassword = "zk-pa55word";

// The election's candidates in sequence order, read on `session` as an operator's zkCli would.
std::vector<cluster::CandidateInfo> list_candidates(cluster::Session& session) {
  const std::string path = "/scale/election";
  std::vector<std::string> children;
  if (session.get_children(path, &children) != cluster::ZkError::Ok) return {};
  std::vector<cluster::Member> members =
      cluster::rank_members(children, cluster::election_members());
  for (cluster::Member& member : members)
    session.get(path + "/" + member.name, &member.data, nullptr);
  return cluster::candidates(members);
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  const auto start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

class ReplicaSecurity : public ::testing::Test {
 protected:
  ReplicaSecurity() {
    std::ofstream(token_file_) << kToken << "\n";
    std::ofstream(zk_auth_file_) << "scale:" << kZkPassword << "\n";
  }

  // Runs the binary with `flags` until it exits (20 s at most); its exit code and output.
  std::pair<int, std::string> run_to_exit(const std::vector<std::string>& flags) {
    const auto log = dir_.path() / ("run-" + std::to_string(runs_++) + ".log");
    auto child = start_replica(flags, log);
    const int status = child->wait(20s);
    const int code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return {code, read_all(log)};
  }

  std::unique_ptr<ChildProcess> start_replica(const std::vector<std::string>& flags,
                                              const std::filesystem::path& log) {
    std::vector<std::string> argv{scale::test::built_binary("scheduler/scale-scheduler")};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return std::make_unique<ChildProcess>(argv, log);
  }

  // Only the flag under test differs from a valid command line; nothing needs to be running.
  void expect_fails_fast(const std::vector<std::string>& extra, const std::string& expected) {
    std::vector<std::string> flags{"--zk=127.0.0.1:1", "--db=host=127.0.0.1 port=1"};
    flags.insert(flags.end(), extra.begin(), extra.end());
    const auto [code, output] = run_to_exit(flags);
    EXPECT_EQ(code, 2) << output;
    EXPECT_NE(output.find(expected), std::string::npos) << output;
    EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1) << output;
    EXPECT_EQ(output.find(kToken), std::string::npos) << output;
    EXPECT_EQ(output.find(kZkPassword), std::string::npos) << output;
  }

  std::string write(const std::string& name, const std::string& content) {
    const auto path = dir_.path() / name;
    std::ofstream(path) << content;
    return path.string();
  }

  scale::test::TempDir dir_{"scale-replica-security"};
  const std::string token_file_ = (dir_.path() / "api_token").string();
  const std::string zk_auth_file_ = (dir_.path() / "zk_auth").string();
  int runs_ = 0;
};

TEST_F(ReplicaSecurity, BadSecurityFlagsFailFastWithOneLineAndNoSecret) {
  const auto cert = make_self_signed_cert(dir_.path());
  const auto other = make_self_signed_cert(dir_.path(), "other");
  expect_fails_fast({"--api_token_file=" + (dir_.path() / "missing").string()},
                    "--api_token_file: cannot read");
  expect_fails_fast({"--api_token_file=" + write("empty", "\n")}, "is empty");
  expect_fails_fast({"--api_token_file=" + write("spaced", kToken + " " + kToken)},
                    "printable ASCII");
  expect_fails_fast({"--api_token_reads"}, "--api_token_reads needs --api_token_file");
  expect_fails_fast({"--tls_cert=" + cert.cert.string()}, "--tls_cert and --tls_key go together");
  expect_fails_fast({"--tls_key=" + cert.key.string()}, "--tls_cert and --tls_key go together");
  expect_fails_fast({"--tls_cert=" + write("junk.crt", "junk"), "--tls_key=" + cert.key.string()},
                    "no PEM certificate");
  expect_fails_fast({"--tls_cert=" + cert.cert.string(), "--tls_key=" + other.key.string()},
                    "does not match");
  expect_fails_fast({"--zk_auth_file=" + write("zk_bad", kZkPassword + "\n")}, "--zk_auth_file: ");
  expect_fails_fast({"--zk_auth_file=" + (dir_.path() / "missing").string()},
                    "--zk_auth_file: cannot read");
  // The token is never in argv: there is no flag for it, and gflags does not echo the value.
  const auto [code, output] = run_to_exit({"--zk=127.0.0.1:1", "--api_token=" + kToken});
  EXPECT_NE(code, 0) << output;
  EXPECT_NE(output.find("unknown command line flag 'api_token'"), std::string::npos) << output;
  EXPECT_EQ(output.find(kToken), std::string::npos) << output;
}

TEST_F(ReplicaSecurity, SecuredReplicaAndAReplicaWithoutTheZooKeeperCredential) {
  scale::test::ZooKeeperServer zk;
  scale::test::PostgresServer pg;
  const auto conninfo = pg.create_database("scale_security");
  const auto cert = make_self_signed_cert(dir_.path());
  const uint16_t port = scale::test::free_port();
  const auto log = dir_.path() / "secured.log";
  auto replica =
      start_replica({"--zk=" + zk.connect_string(), "--db=" + conninfo, "--replica_id=secured",
                     "--listen=127.0.0.1:" + std::to_string(port), "--zk_session_timeout_ms=2000",
                     "--api_token_file=" + token_file_, "--zk_auth_file=" + zk_auth_file_,
                     "--tls_cert=" + cert.cert.string(), "--tls_key=" + cert.key.string()},
                    log);
  SecureHttpClient https("https://127.0.0.1:" + std::to_string(port), {cert.cert.string()}, 2s);
  const auto answers = [&](const std::string& path, int status) {
    try {
      return https.call("GET", path).status == status;
    } catch (const std::exception&) {
      return false;
    }
  };
  ASSERT_TRUE(wait_until([&] { return answers("/leaderhealth", 200); }, 30s)) << read_all(log);

  // It advertises https:// (the default follows --tls_cert) in its election node.
  auto observer = cluster::Session::open(zk.connect_string(), 4000ms);
  ASSERT_TRUE(observer->wait_connected(10s));
  const auto candidates = list_candidates(*observer);
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].api_url, "https://127.0.0.1:" + std::to_string(port));
  // Without the credential nobody joins or removes the leader's node.
  EXPECT_EQ(observer->create("/scale/election/n_x-", "{}", cluster::CreateMode::EphemeralSequential,
                             nullptr),
            cluster::ZkError::NoAuth);

  // Writes need the token; reads do not.
  EXPECT_EQ(https.call("PATCH", "/v6/scheduler/", {}, R"({"is_paused": true})").status, 401);
  EXPECT_EQ(https
                .call("PATCH", "/v6/scheduler/", {{"Authorization", "Bearer " + kToken}},
                      R"({"is_paused": true})")
                .status,
            200);
  EXPECT_EQ(https.call("GET", "/v6/scheduler/").status, 200);

  // A second replica without --zk_auth_file cannot join: one clear line and exit 1, at once.
  const auto started = std::chrono::steady_clock::now();
  const auto [code, output] =
      run_to_exit({"--zk=" + zk.connect_string(), "--db=" + conninfo, "--replica_id=outsider",
                   "--listen=127.0.0.1:" + std::to_string(scale::test::free_port())});
  EXPECT_EQ(code, 1) << output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);
  EXPECT_EQ(last_line(output).rfind("scale-scheduler: election: the ZooKeeper ACL of "
                                    "/scale/election refuses",
                                    0),
            0u)
      << output;
  EXPECT_EQ(candidates.size(), list_candidates(*observer).size());

  replica->signal(SIGTERM);
  const int status = replica->wait(10s);
  EXPECT_TRUE(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_all(log);
  const auto logged = read_all(log) + output;
  EXPECT_EQ(logged.find(kToken), std::string::npos);
  EXPECT_EQ(logged.find(kZkPassword), std::string::npos);
  EXPECT_NE(read_all(log).find("API token required for writes; TLS on; ZooKeeper digest ACL on"),
            std::string::npos);
}

}  // namespace
}  // namespace scale::api::testing
