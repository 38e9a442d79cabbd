// The real scalectl binary against a real api::Server on a real PostgreSQL: every command, its
// output and its exit code (0 ok, 1 server refused, 2 usage, 3 unreachable).
#include <poll.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <regex>

#include "api_test_fixture.h"
#include "db/job_store.h"
#include "db/scheduler_settings_store.h"
#include "self_signed_cert.h"
#include "tests/integration/db/jobs_test_rows.h"
#include "tests/support/built_binary.h"
#include "tests/support/loopback.h"

namespace scale::api::testing {
namespace {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

class Scalectl : public ApiTest {
 protected:
  void SetUp() override { start(); }

  std::string url() const { return scheme_ + "://127.0.0.1:" + std::to_string(options_.port); }

  // Runs scalectl with `args` (after --url of this test's server unless `url` is given).
  CliResult run(std::vector<std::string> args, std::optional<std::string> base = std::nullopt) {
    const auto n = std::to_string(runs_++);
    const auto out = dir_.path() / ("out-" + n);
    const auto err = dir_.path() / ("err-" + n);
    // sh only splits stderr from stdout (ChildProcess writes both to one log); exec keeps the exit
    // status scalectl's own.
    std::vector<std::string> argv = {"/bin/sh",
                                     "-c",
                                     "exec \"$0\" \"$@\" 2>\"$SCALECTL_TEST_ERR\"",
                                     scale::test::built_binary("tools/scalectl/scalectl"),
                                     "--url",
                                     base.value_or(url())};
    argv.insert(argv.end(), args.begin(), args.end());
    scale::test::ChildProcess child(argv, out, {{"SCALECTL_TEST_ERR", err.string()}});
    const int status = child.wait(30s);
    CliResult result;
    if (status >= 0 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    result.out = read_file(out);
    result.err = read_file(err);
    return result;
  }

  // A command that must fail with `code` and one line on stderr containing `expected`.
  void expect_failure(const std::vector<std::string>& args, int code, const std::string& expected) {
    const auto result = run(args);
    EXPECT_EQ(result.exit_code, code) << result.out << result.err;
    EXPECT_NE(result.err.find(expected), std::string::npos) << result.err;
    EXPECT_EQ(result.err.rfind("scalectl: ", 0), 0u) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_EQ(result.out, "") << result.out;
  }

  long long submit_job(const std::string& name) {
    db::NewJob job;
    job.name = name;
    job.command = "true";
    job.resources.cpus = 1;
    return db::JobStore::submit(sql(), job).id;
  }

  scale::test::TempDir dir_{"scalectl-test"};
  int runs_ = 0;
  std::string scheme_ = "http";  // of this test's server
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(Scalectl, SubmitCreatesTheJobAndJsonPrintsTheAnswer) {
  auto result = run({"submit", "--name", "render", "--command", "echo hi", "--cpus", "0.5",
                     "--mem=64", "--priority", "7", "--max-tries", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "Submitted job ")) << result.out;
  EXPECT_TRUE(contains(result.out, "(render), QUEUED")) << result.out;
  const auto row = sql().exec("SELECT name, command, cpus, mem, priority, max_tries FROM job");
  ASSERT_EQ(row.rows(), 1);
  EXPECT_EQ(row.text(0, 1), "echo hi");
  EXPECT_EQ(row.text(0, 2), "0.5");
  EXPECT_EQ(row.integer(0, 4), 7);
  EXPECT_EQ(row.integer(0, 5), 2);
  result = run({"--json", "submit", "--name=n2", "--command=c", "--mem", "32"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  rapidjson::Document doc;
  doc.Parse(result.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << result.out;
  EXPECT_EQ(doc["priority"].GetInt(), 100);  // the server's default: unset flags are not sent
}

TEST_F(Scalectl, SubmitErrors) {
  expect_failure({"submit", "--command", "c", "--cpus", "1"}, 2, "needs --name and --command");
  expect_failure({"submit", "--name", "n", "--command", "c"}, 1, "cpus > 0 or mem > 0");
  expect_failure({"submit", "--name", "n", "--command", "c", "--cpus", "1", "--max_tries", "0"}, 1,
                 "HTTP 400: max_tries must be an integer from 1");
  expect_failure({"submit", "--name", "n", "--command", "c", "--cpus", "lots"}, 2,
                 "bad value \"lots\" for --cpus");
  EXPECT_EQ(sql().exec("SELECT count(*) FROM job").integer(0, 0), 0);
}

TEST_F(Scalectl, JobsListsFiltersAndPages) {
  submit_job("alpha");
  const long long beta = submit_job("beta");
  db::testing::set_status(sql(), beta, "RUNNING");
  auto result = run({"jobs"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "ID")) << result.out;
  EXPECT_TRUE(contains(result.out, "alpha")) << result.out;
  EXPECT_TRUE(contains(result.out, "beta")) << result.out;
  EXPECT_TRUE(contains(result.out, "2 job(s)")) << result.out;
  result = run({"jobs", "--status", "running"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(contains(result.out, "alpha")) << result.out;
  EXPECT_TRUE(contains(result.out, "1 job(s)")) << result.out;
  result = run({"--json", "jobs", "--status=QUEUED,RUNNING"});
  EXPECT_TRUE(contains(result.out, R"("count":2)")) << result.out;
  expect_failure({"jobs", "--status", "DONE"}, 1, "status must be one of");
  expect_failure({"jobs", "--page", "5"}, 1, "HTTP 404: Invalid page.");
  expect_failure({"jobs", "--page", "0"}, 2, "--page must be >= 1");
}

TEST_F(Scalectl, JobShowsTheJobAndItsExecutions) {
  const long long id = submit_job("gamma");
  db::testing::add_execution(sql(), id, 1, "LOST");
  auto result = run({"job", std::to_string(id)});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "gamma")) << result.out;
  EXPECT_TRUE(contains(result.out, "scale_job_" + std::to_string(id) + "_1")) << result.out;
  EXPECT_TRUE(contains(result.out, "LOST")) << result.out;
  expect_failure({"job", "987654"}, 1, "HTTP 404: job not found: 987654");
  expect_failure({"job", "abc"}, 2, "not a job or node id");
  expect_failure({"job"}, 2, "usage: scalectl job ID");
}

TEST_F(Scalectl, CancelQueuedRunningAndFinishedJobs) {
  const long long queued = submit_job("q");
  const long long running = submit_job("r");
  db::testing::set_status(sql(), running, "RUNNING");
  auto result = run({"cancel", std::to_string(queued)});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "canceled")) << result.out;
  result = run({"cancel", std::to_string(running)});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "kill requested")) << result.out;
  expect_failure({"cancel", std::to_string(queued)}, 1, "HTTP 409: job");
  expect_failure({"cancel", "424242"}, 1, "HTTP 404");
  expect_failure({"cancel", "1", "2"}, 2, "usage: scalectl cancel ID");
}

TEST_F(Scalectl, NodesAndNodePauseResume) {
  const long long node = db::testing::add_node(sql(), "agent-a", "host-a");
  auto result = run({"nodes"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "host-a")) << result.out;
  EXPECT_TRUE(contains(result.out, "1 node(s)")) << result.out;
  const auto id = std::to_string(node);
  result = run({"node", "pause", id, "--reason", "disk swap"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "paused")) << result.out;
  EXPECT_EQ(sql().exec("SELECT pause_reason FROM node").text(0, 0), "disk swap");
  result = run({"node", "resume", id});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(sql().exec("SELECT is_paused FROM node").boolean(0, 0));
  expect_failure({"node", "resume", id, "--reason", "x"}, 2, "--reason goes with node pause");
  expect_failure({"node", "pause", "31337"}, 1, "HTTP 404: node not found");
  expect_failure({"node", "stop", id}, 2, "expected pause or resume");
  expect_failure({"node", "pause"}, 2, "usage: scalectl node");
}

TEST_F(Scalectl, PauseAndResumeTheScheduler) {
  auto result = run({"pause"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "paused")) << result.out;
  EXPECT_TRUE(db::SchedulerSettingsStore::get(sql()).is_paused);
  result = run({"--json", "resume"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, R"("is_paused":false)")) << result.out;
  EXPECT_FALSE(db::SchedulerSettingsStore::get(sql()).is_paused);
}

TEST_F(Scalectl, StatusAndLeaderWithAndWithoutALeader) {
  expect_failure({"status"}, 1, "HTTP 503");
  expect_failure({"leader"}, 1, "HTTP 503: no leader");
  promote("replica-a", 41);
  set_view(Role::Leader, "replica-a");
  write_status(41, R"({"timestamp": "2026-01-01T00:00:00Z", "scheduler": {"hostname": "h1",
      "mesos": {"framework_id": "fw-1", "master": "m:5050"}, "state": {"name": "READY",
      "title": "Ready"}, "warnings": [{"name": "SLOW_DB", "title": "Database slow",
      "started": "2026-01-01T00:00:00Z"}]}, "num_offers": 3,
      "resources": {"cpus": {"running": 1, "offered": 2, "free": 3, "unavailable": 0, "total": 6}},
      "nodes": [{"id": 1, "hostname": "host-a", "agent_id": "a1", "is_active": true,
                 "state": {"name": "READY"}, "num_offers": 1}],
      "cluster": {"leader": {"replica_id": "replica-a", "api_url": "http://a", "since": "S0"},
                  "epoch": 41,
                  "replicas": [{"replica_id": "replica-a", "role": "leader", "api_url": "http://a"},
                               {"replica_id": "replica-b", "role": "follower"}],
                  "terms": [{"epoch": 41, "replica_id": "replica-a", "started": "S1",
                             "ended": null, "end_reason": null,
                             "steps": [{"name": "fenced", "ms": 12}, {"name": "reconciled", "ms": 480}]},
                            {"epoch": 40, "replica_id": "replica-b", "started": "S0", "ended": "S1",
                             "end_reason": "session expired", "steps": []}]}})");
  ASSERT_TRUE(wait_for_status("/v6/status/", 200));
  ASSERT_TRUE(wait_for_status("/v6/leader/", 200));
  auto result = run({"status"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* part : {"READY (Ready)", "fw-1", "m:5050", "host-a", "SLOW_DB", "cluster.epoch",
                           "replica-a at http://a since S0", "replica-b  follower",
                           "fenced 12, reconciled 480", "session expired", "END REASON"}) {
    EXPECT_TRUE(contains(result.out, part)) << part << " missing in\n" << result.out;
  }
  EXPECT_FALSE(contains(result.out, R"("replica_id")")) << "cluster lists print as tables\n"
                                                        << result.out;
  result = run({"leader"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "replica-a at http://127.0.0.1:1/replica-a, epoch 41"))
      << result.out;
  result = run({"--json", "status"});
  EXPECT_TRUE(contains(result.out, R"("num_offers")")) << result.out;
}

TEST_F(Scalectl, UsageErrorsExit2AndAnUnreachableServerExits3) {
  expect_failure({}, 2, "no command given");
  expect_failure({"frobnicate"}, 2, "unknown command \"frobnicate\"");
  expect_failure({"--colour", "jobs"}, 2, "unknown flag --colour");
  expect_failure({"jobs", "--page"}, 2, "flag --page needs a value");
  const auto help = run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.out, "usage: scalectl")) << help.out;
  const auto down = "http://127.0.0.1:" + std::to_string(scale::test::free_port());
  const auto result = run({"jobs"}, down);
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_TRUE(contains(result.err, "scalectl: cannot reach " + down)) << result.err;
  EXPECT_EQ(run({"jobs"}, "not a url").exit_code, 2);
}

// Accepts one connection on `fd`, keeps the request head and answers with `answer`.
std::string serve_once(int fd, const std::string& answer) {
  pollfd ready{fd, POLLIN, 0};
  if (poll(&ready, 1, 20000) != 1) return "";
  const int conn = accept(fd, nullptr, nullptr);
  std::string request;
  char buffer[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    pollfd in{conn, POLLIN, 0};
    if (poll(&in, 1, 5000) != 1) break;
    const auto n = recv(conn, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    request.append(buffer, static_cast<size_t>(n));
  }
  send(conn, answer.data(), answer.size(), MSG_NOSIGNAL);
  close(conn);
  return request;
}

TEST_F(Scalectl, TokenIsSentAsBearerAndNeverPrinted) {
  const auto token_file = dir_.path() / "token";
  std::ofstream(token_file) << "s3cret-token\n";
  uint16_t port = 0;
  const int fd = scale::test::listen_loopback(0, 4, &port);
  ASSERT_GE(fd, 0);
  const std::string refused =
      "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 24\r\n"
      "Connection: close\r\n\r\n{\"detail\": \"bad token!\"}";
  auto request = std::async(std::launch::async, [&] { return serve_once(fd, refused); });
  const auto result = run({"--token-file", token_file.string(), "pause"},
                          "http://127.0.0.1:" + std::to_string(port));
  const auto head = request.get();
  close(fd);
  // cpprestsdk writes "Authorization:Bearer ..." (no space), which HTTP allows.
  EXPECT_TRUE(std::regex_search(head, std::regex("\r\nAuthorization: ?Bearer s3cret-token\r\n")))
      << head;
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "HTTP 403: bad token!")) << result.err;
  EXPECT_FALSE(contains(result.out + result.err, "s3cret")) << result.out << result.err;
  expect_failure({"--token-file", (dir_.path() / "missing").string(), "jobs"}, 2,
                 "cannot read --token-file");
  std::ofstream(dir_.path() / "empty") << "  \n";
  expect_failure({"--token-file", (dir_.path() / "empty").string(), "jobs"}, 2, "is empty");
}

// Against a server that enforces a token (and, in the second test, serves https with a
// self-signed certificate made here).
class ScalectlSecured : public Scalectl {
 protected:
  void SetUp() override {}
  void start_secured(bool tls) {
    if (tls) {
      cert_ = make_self_signed_cert(dir_.path());
      scheme_ = "https";
    }
    start([&](ServerOptions& o) {
      o.api_token = "the-right-token";
      if (!tls) return;
      o.tls_cert_file = cert_.cert.string();
      o.tls_key_file = cert_.key.string();
    });
    std::ofstream(token_file_) << "the-right-token\n";
    std::ofstream(wrong_token_file_) << "not-the-token\n";
  }
  const std::string token_file_ = (dir_.path() / "token").string();
  const std::string wrong_token_file_ = (dir_.path() / "wrong-token").string();
  SelfSignedCert cert_;
};

TEST_F(ScalectlSecured, RefusedTokensSayWhatToDo) {
  start_secured(false);
  expect_failure({"pause"}, 1, "HTTP 401: authentication required");
  expect_failure({"pause"}, 1, "pass --token-file FILE");
  expect_failure({"--token-file", wrong_token_file_, "pause"}, 1, "HTTP 403: invalid token");
  const auto wrong = run({"--token-file", wrong_token_file_, "pause"});
  EXPECT_TRUE(contains(wrong.err, "the token in --token-file is not this API's token"))
      << wrong.err;
  EXPECT_FALSE(contains(wrong.out + wrong.err, "not-the-token")) << wrong.err;
  EXPECT_FALSE(contains(wrong.out + wrong.err, "the-right-token")) << wrong.err;

  EXPECT_EQ(run({"jobs"}).exit_code, 0);  // reads stay open
  const auto paused = run({"--token-file", token_file_, "pause"});
  EXPECT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_TRUE(db::SchedulerSettingsStore::get(sql()).is_paused);
}

TEST_F(ScalectlSecured, SpeaksHttpsTrustingACaFileOrWhenToldNotToVerify) {
  start_secured(true);
  const auto trusted =
      run({"--ca-file", cert_.cert.string(), "--token-file", token_file_, "pause"});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.err;
  EXPECT_TRUE(db::SchedulerSettingsStore::get(sql()).is_paused);
  const auto insecure = run({"--insecure", "--token-file", token_file_, "resume"});
  EXPECT_EQ(insecure.exit_code, 0) << insecure.err;
  EXPECT_FALSE(db::SchedulerSettingsStore::get(sql()).is_paused);

  // The self-signed certificate is not trusted by default; the message says what to do.
  expect_failure({"--token-file", token_file_, "pause"}, 3, "pass --ca-file FILE, or --insecure");
  expect_failure({"--ca-file", (dir_.path() / "nope.pem").string(), "jobs"}, 2, "--ca-file");
  expect_failure({"--ca-file", cert_.key.string(), "jobs"}, 2, "no usable PEM certificate");
  expect_failure({"--ca-file", cert_.cert.string(), "--insecure", "jobs"}, 2, "exclude each other");
  expect_failure({"--ca-file", cert_.cert.string(), "pause"}, 1, "HTTP 401");
}

}  // namespace
}  // namespace scale::api::testing
