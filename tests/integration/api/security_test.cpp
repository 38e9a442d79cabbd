// The API's bearer token and TLS over real HTTP(S), backed by a real PostgreSQL: 401 vs 403, what
// stays open, https with a self-signed certificate made in the test, and unusable TLS files.
#include <fstream>
#include <memory>

#include "api/tls_identity.h"
#include "api_test_fixture.h"
#include "secure_http_client.h"
#include "self_signed_cert.h"

namespace scale::api::testing {
namespace {

const std::string kToken = "t0ken-for-the-test.v1";
const std::string kPause = R"({"is_paused": true})";

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

class ApiSecurity : public ApiTest {
 protected:
  std::string url(const char* scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(options_.port);
  }
  void start_with_token(bool protect_reads) {
    start([&](ServerOptions& o) {
      o.api_token = kToken;
      o.api_token_reads = protect_reads;
    });
    http_ = std::make_unique<SecureHttpClient>(url());
  }
  void start_with_tls(bool with_token) {
    cert_ = make_self_signed_cert(dir_.path());
    start([&](ServerOptions& o) {
      o.tls_cert_file = cert_.cert.string();
      o.tls_key_file = cert_.key.string();
      if (with_token) o.api_token = kToken;
    });
  }
  // A refusal: status, JSON detail, the replica headers every answer has, and no token in it.
  static void expect_refused(const scale::test::HttpResult& answer, int status) {
    EXPECT_EQ(answer.status, status) << answer.body;
    EXPECT_NE(answer.body.find("\"detail\""), std::string::npos) << answer.body;
    EXPECT_EQ(answer.body.find(kToken), std::string::npos) << answer.body;
    EXPECT_EQ(answer.header("X-Scale-Replica"), "replica-a");
    EXPECT_EQ(answer.header("Content-Type"), "application/json");
    if (status == 401) {
      EXPECT_EQ(answer.header("WWW-Authenticate").rfind("Bearer", 0), 0u);
    } else {
      EXPECT_EQ(answer.header("WWW-Authenticate"), "");
    }
  }

  scale::test::TempDir dir_{"scale-api-security"};
  SelfSignedCert cert_;
  std::unique_ptr<SecureHttpClient> http_;
};

TEST_F(ApiSecurity, WritesNeedTheTokenReadsStayOpen) {
  start_with_token(false);
  expect_refused(http_->call("PATCH", "/v6/scheduler/", {}, kPause), 401);
  expect_refused(http_->call("PATCH", "/v6/scheduler/", {{"Authorization", "Basic eDp5"}}, kPause),
                 401);
  expect_refused(http_->call("PATCH", "/v6/scheduler/", {{"Authorization", "Bearer"}}, kPause),
                 401);
  expect_refused(http_->call("PATCH", "/v6/scheduler/", bearer("wrong-token"), kPause), 403);
  expect_refused(http_->call("PATCH", "/v6/scheduler/", bearer(kToken + "x"), kPause), 403);
  expect_refused(http_->call("POST", "/v6/jobs/", {}, "{}"), 401);
  expect_refused(http_->call("POST", "/v6/jobs/1/cancel/", bearer("nope"), "{}"), 403);
  // Nothing was applied by the refused calls.
  EXPECT_NE(get("/v6/scheduler/").body.find("\"is_paused\":false"), std::string::npos);

  const auto accepted = http_->call("PATCH", "/v6/scheduler/", bearer(kToken), kPause);
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  const auto lower_scheme =
      http_->call("PATCH", "/v6/scheduler/", {{"Authorization", "bearer " + kToken}}, kPause);
  EXPECT_EQ(lower_scheme.status, 200) << lower_scheme.body;
  // Reads need no token by default.
  const auto read = http_->call("GET", "/v6/scheduler/");
  EXPECT_EQ(read.status, 200);
  EXPECT_NE(read.body.find("\"is_paused\":true"), std::string::npos) << read.body;
}

TEST_F(ApiSecurity, TheTokenIsCheckedBeforeRoutingAndBeforeTheBodyIsRead) {
  start_with_token(false);
  // Larger than max_body_bytes (4096 here): refused for the token, not read to find it too big.
  const std::string big(64 * 1024, ' ');
  expect_refused(http_->call("PATCH", "/v6/scheduler/", {}, big), 401);
  // Unknown routes and methods do not tell an unauthenticated client what exists.
  expect_refused(http_->call("DELETE", "/v6/jobs/1/"), 401);
  expect_refused(http_->call("POST", "/no/such/route"), 401);
  EXPECT_EQ(http_->call("DELETE", "/v6/jobs/1/", bearer(kToken)).status, 405);
  EXPECT_EQ(http_->call("PATCH", "/v6/scheduler/", bearer(kToken), big).status, 413);
}

TEST_F(ApiSecurity, ProtectedReadsLeaveTheHealthChecksOpen) {
  start_with_token(true);
  expect_refused(http_->call("GET", "/v6/scheduler/"), 401);
  expect_refused(http_->call("GET", "/v6/version/", bearer("nope")), 403);
  expect_refused(http_->call("GET", "/v6/status/"), 401);
  EXPECT_EQ(http_->call("GET", "/v6/version/", bearer(kToken)).status, 200);
  EXPECT_EQ(http_->call("GET", "/ping").status, 200);
  EXPECT_EQ(http_->call("GET", "/healthz/").status, 200);
  set_view(Role::Leader, "replica-a");
  EXPECT_EQ(http_->call("GET", "/leaderhealth").status, 200);
  set_view(Role::Follower, "replica-b");
  EXPECT_EQ(http_->call("GET", "/leaderhealth").status, 503);
}

TEST_F(ApiSecurity, ServesHttpsWithTheGivenCertificate) {
  start_with_tls(true);
  SecureHttpClient trusting(url("https"), {cert_.cert.string()});
  const auto ping = trusting.call("GET", "/ping");
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(ping.header("X-Scale-Replica"), "replica-a");
  EXPECT_EQ(trusting.call("GET", "/v6/version/").status, 200);
  expect_refused(trusting.call("PATCH", "/v6/scheduler/", {}, kPause), 401);
  EXPECT_EQ(trusting.call("PATCH", "/v6/scheduler/", bearer(kToken), kPause).status, 200);

  // A client that does not trust the certificate gets no answer, nor does plain HTTP.
  SecureHttpClient untrusting(url("https"), {}, std::chrono::seconds(5));
  EXPECT_ANY_THROW(untrusting.call("GET", "/ping"));
  SecureHttpClient plain(url("http"), {}, std::chrono::seconds(5));
  EXPECT_ANY_THROW(plain.call("GET", "/ping"));
  // Explicitly unverified (this test only): the server still speaks TLS to it.
  SecureHttpClient unverified(url("https"), {"", false});
  EXPECT_EQ(unverified.call("GET", "/ping").status, 200);
  // The connections above did not hurt the server.
  EXPECT_EQ(trusting.call("GET", "/ping").status, 200);
}

TEST_F(ApiSecurity, StartRefusesUnusableTlsFiles) {
  prepare_database(shared_postgres());
  cert_ = make_self_signed_cert(dir_.path());
  options_.tls_cert_file = (dir_.path() / "missing.crt").string();
  options_.tls_key_file = cert_.key.string();
  try {
    start_server();
    FAIL() << "started without a certificate";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--tls_cert"), std::string::npos) << e.what();
  }
  server_.reset();
}

// TlsIdentity::load is what --tls_cert/--tls_key go through at start-up (exit 2 on failure).
class TlsFiles : public ::testing::Test {
 protected:
  // The one-line reason load() gives, "" when it loaded.
  std::string problem(const std::filesystem::path& cert, const std::filesystem::path& key) {
    try {
      TlsIdentity::load(cert.string(), key.string());
      return "";
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
      EXPECT_EQ(what.find("PRIVATE KEY"), std::string::npos) << what;
      return what;
    }
  }
  std::filesystem::path write(const std::string& name, const std::string& content) {
    const auto path = dir_.path() / name;
    std::ofstream(path) << content;
    return path;
  }
  scale::test::TempDir dir_{"scale-tls-files"};
};

TEST_F(TlsFiles, NamesTheFileAndTheProblem) {
  const auto good = make_self_signed_cert(dir_.path(), "good");
  const auto other = make_self_signed_cert(dir_.path(), "other");
  const auto locked = make_self_signed_cert(dir_.path(), "locked", "a passphrase");
  EXPECT_EQ(problem(good.cert, good.key), "");

  EXPECT_NE(problem(dir_.path() / "nope.crt", good.key).find("cannot read --tls_cert"),
            std::string::npos);
  EXPECT_NE(problem(good.cert, dir_.path() / "nope.key").find("cannot read --tls_key"),
            std::string::npos);
  EXPECT_NE(problem(write("junk.crt", "not a certificate\n"), good.key).find("no PEM certificate"),
            std::string::npos);
  EXPECT_NE(problem(good.cert, good.cert).find("no unencrypted PEM private key"),
            std::string::npos);
  EXPECT_NE(problem(good.cert, other.key).find("does not match"), std::string::npos);
  // An encrypted key is refused at once (no passphrase prompt that would hang a replica).
  EXPECT_NE(problem(locked.cert, locked.key).find("no unencrypted PEM private key"),
            std::string::npos);
}

}  // namespace
}  // namespace scale::api::testing
