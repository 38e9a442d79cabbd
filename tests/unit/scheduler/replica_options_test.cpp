#include "scheduler/replica_options.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace scale::scheduler {
namespace {

ReplicaOptions valid() {
  ReplicaOptions options;
  options.zk = "127.0.0.1:2181,127.0.0.1:2182/scale";
  options.db = "host=127.0.0.1 dbname=scale";
  options.hostname = "box";
  options.listen_port = 8001;
  return options;
}

TEST(ParseHostPort, AcceptsHostAndPort) {
  auto hp = parse_host_port("127.0.0.1:8000");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 8000);
}

TEST(ParseHostPort, RejectsMalformed) {
  for (const char* bad : {"", "8000", ":8000", "host:", "host:0", "host:65536", "host:80x"}) {
    EXPECT_FALSE(parse_host_port(bad)) << bad;
  }
}

TEST(Finalize, FillsDefaultsFromListenAndHostname) {
  auto options = valid();
  EXPECT_EQ(finalize(options), std::nullopt);
  EXPECT_EQ(options.advertise_url, "http://127.0.0.1:8001");
  EXPECT_EQ(options.replica_id, "box:8001");
}

TEST(Finalize, KeepsExplicitIdentity) {
  auto options = valid();
  options.replica_id = "r1";
  options.advertise_url = "https://scale.example:443";
  EXPECT_EQ(finalize(options), std::nullopt);
  EXPECT_EQ(options.replica_id, "r1");
  EXPECT_EQ(options.advertise_url, "https://scale.example:443");
}

TEST(Finalize, NamesTheFirstProblem) {
  auto no_zk = valid();
  no_zk.zk.clear();
  EXPECT_NE(finalize(no_zk)->find("--zk"), std::string::npos);

  auto bad_zk = valid();
  bad_zk.zk = "127.0.0.1:2181,nonsense";
  EXPECT_NE(finalize(bad_zk)->find("nonsense"), std::string::npos);

  auto no_db = valid();
  no_db.db.clear();
  EXPECT_NE(finalize(no_db)->find("--db"), std::string::npos);

  auto bad_path = valid();
  bad_path.election_path = "scale/election/";
  EXPECT_NE(finalize(bad_path)->find("--election_path"), std::string::npos);

  auto short_session = valid();
  short_session.zk_session_timeout = std::chrono::milliseconds(10);
  EXPECT_NE(finalize(short_session)->find("--zk_session_timeout_ms"), std::string::npos);

  auto bad_url = valid();
  bad_url.advertise_url = "ftp://x";
  EXPECT_NE(finalize(bad_url)->find("--advertise_url"), std::string::npos);
}

}  // namespace
TEST(Finalize, ChecksTheMesosMaster) {
  auto fixed = valid();
  fixed.mesos_master = "http://127.0.0.1:5050";
  EXPECT_EQ(finalize(fixed), std::nullopt);
  auto detected = valid();
  detected.mesos_master = "zk://127.0.0.1:2181/mesos";
  EXPECT_EQ(finalize(detected), std::nullopt);
  auto bad = valid();
  bad.mesos_master = "ftp://master:5050/x";
  ASSERT_TRUE(finalize(bad).has_value());
  EXPECT_NE(finalize(bad)->find("--mesos_master"), std::string::npos);
}

TEST(Finalize, RetentionKeepsFinishedJobsThirtyDaysAndZeroMeansForever) {
  EXPECT_EQ(valid().retain_finished_days, 30);
  auto forever = valid();
  forever.retain_finished_days = 0;
  EXPECT_EQ(finalize(forever), std::nullopt);
  for (int days : {-1, 36501}) {
    auto bad = valid();
    bad.retain_finished_days = days;
    ASSERT_TRUE(finalize(bad).has_value()) << days;
    EXPECT_NE(finalize(bad)->find("--retain_finished_days"), std::string::npos);
  }
}

TEST(Finalize, BackpressureBoundsAreCountsAndZeroMeansNone) {
  EXPECT_EQ(valid().max_unacked_updates, 10000);
  EXPECT_EQ(valid().max_launches_in_flight, 20000);
  auto none = valid();
  none.max_unacked_updates = 0;
  none.max_launches_in_flight = 0;
  EXPECT_EQ(finalize(none), std::nullopt);
  auto bad = valid();
  bad.max_unacked_updates = -1;
  ASSERT_TRUE(finalize(bad).has_value());
  EXPECT_NE(finalize(bad)->find("--max_unacked_updates"), std::string::npos);
  bad = valid();
  bad.max_launches_in_flight = -5;
  ASSERT_TRUE(finalize(bad).has_value());
  EXPECT_NE(finalize(bad)->find("--max_launches_in_flight"), std::string::npos);
}

TEST(Finalize, TlsFlagsGoTogetherAndMakeTheAdvertisedUrlHttps) {
  auto tls = valid();
  tls.tls_cert_file = "/etc/scale/api.crt";
  tls.tls_key_file = "/etc/scale/api.key";
  EXPECT_EQ(finalize(tls), std::nullopt);
  EXPECT_EQ(tls.advertise_url, "https://127.0.0.1:8001");

  auto cert_only = valid();
  cert_only.tls_cert_file = "/etc/scale/api.crt";
  ASSERT_TRUE(finalize(cert_only));
  EXPECT_NE(finalize(cert_only)->find("--tls_key"), std::string::npos);
  auto key_only = valid();
  key_only.tls_key_file = "/etc/scale/api.key";
  ASSERT_TRUE(finalize(key_only));
  EXPECT_NE(finalize(key_only)->find("--tls_cert"), std::string::npos);

  auto plain_url = tls;
  plain_url.advertise_url = "http://sched1:8000";
  ASSERT_TRUE(finalize(plain_url));
  EXPECT_NE(finalize(plain_url)->find("https://"), std::string::npos);
}

TEST(Finalize, TokenReadsNeedATokenFile) {
  auto reads = valid();
  reads.api_token_reads = true;
  ASSERT_TRUE(finalize(reads));
  EXPECT_NE(finalize(reads)->find("--api_token_file"), std::string::npos);
  reads.api_token_file = "/etc/scale/token";
  EXPECT_EQ(finalize(reads), std::nullopt);
}

// A directory of its own for the secret files of one test.
class SecretFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "scale-secrets-XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  // The problem load_secrets reports, checked to be one line that never quotes `secret`.
  std::string problem_of(ReplicaOptions options, const std::string& secret = "s3cret") {
    const auto problem = load_secrets(options);
    if (!problem) return "";
    EXPECT_EQ(problem->find('\n'), std::string::npos) << *problem;
    EXPECT_EQ(problem->find(secret), std::string::npos) << *problem;
    return *problem;
  }
  std::filesystem::path dir_;
};

TEST_F(SecretFiles, LoadsTheTokenWithoutItsNewline) {
  auto options = valid();
  options.api_token_file = write("token", "  s3cret-token.v1\n");
  EXPECT_EQ(load_secrets(options), std::nullopt);
  EXPECT_EQ(options.api_token, "s3cret-token.v1");
  EXPECT_FALSE(options.zk_auth);
}

TEST_F(SecretFiles, NoFileNoToken) {
  auto options = valid();
  EXPECT_EQ(load_secrets(options), std::nullopt);
  EXPECT_FALSE(options.api_token);
  EXPECT_FALSE(options.zk_auth);
}

TEST_F(SecretFiles, MissingEmptyOrMalformedTokenFilesAreNamed) {
  auto options = valid();
  options.api_token_file = (dir_ / "missing").string();
  EXPECT_NE(problem_of(options).find("--api_token_file: cannot read"), std::string::npos);
  options.api_token_file = write("empty", " \n\n");
  EXPECT_NE(problem_of(options).find("is empty"), std::string::npos);
  options.api_token_file = write("two-words", "s3cret token\n");
  EXPECT_NE(problem_of(options).find("printable ASCII"), std::string::npos);
  options.api_token_file = dir_.string();  // a directory
  EXPECT_NE(problem_of(options).find("--api_token_file"), std::string::npos);
  options.api_token_file = write("huge", std::string(70 * 1024, 'x'));
  EXPECT_NE(problem_of(options).find("larger than"), std::string::npos);
}

TEST_F(SecretFiles, LoadsTheZooKeeperCredential) {
  auto options = valid();
  options.zk_auth_file = write("zk", "scale:s3cret\n");
  EXPECT_EQ(load_secrets(options), std::nullopt);
  ASSERT_TRUE(options.zk_auth);
  EXPECT_EQ(options.zk_auth->user, "scale");
  EXPECT_EQ(options.zk_auth->password, "s3cret");

  options.zk_auth_file = write("bad", "s3cret\n");
  EXPECT_NE(problem_of(options).find("--zk_auth_file"), std::string::npos);
  options.zk_auth_file = write("empty", "");
  EXPECT_NE(problem_of(options).find("--zk_auth_file"), std::string::npos);
  options.zk_auth_file = (dir_ / "missing").string();
  EXPECT_NE(problem_of(options).find("--zk_auth_file: cannot read"), std::string::npos);
}

}  // namespace scale::scheduler
