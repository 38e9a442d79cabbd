#include "scheduler/replica_options.h"

#include <gtest/gtest.h>

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

}  // namespace scale::scheduler
