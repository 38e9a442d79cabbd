#include "cluster/candidate_info.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace scale::cluster {
namespace {

TEST(CandidateInfo, RoundTripsThroughJson) {
  const CandidateInfo info{"replica-1", "http://10.0.0.1:8000",    "host-a", 4242,
                           "0.1.0",     "2026-12-02T05:00:00.000Z"};
  const std::string json = to_json(info);
  EXPECT_EQ(json,
            R"({"replica_id":"replica-1","api_url":"http://10.0.0.1:8000","hostname":"host-a",)"
            R"("pid":4242,"version":"0.1.0","started":"2026-12-02T05:00:00.000Z"})");
  const auto parsed = parse_candidate_info(json);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->replica_id, "replica-1");
  EXPECT_EQ(parsed->api_url, "http://10.0.0.1:8000");
  EXPECT_EQ(parsed->hostname, "host-a");
  EXPECT_EQ(parsed->pid, 4242);
  EXPECT_EQ(parsed->version, "0.1.0");
  EXPECT_EQ(parsed->started, "2026-12-02T05:00:00.000Z");
}

TEST(CandidateInfo, EscapesStrings) {
  const CandidateInfo info{"a\"b\\c", "", "", 0, "", ""};
  const auto parsed = parse_candidate_info(to_json(info));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->replica_id, "a\"b\\c");
}

TEST(CandidateInfo, RejectsWhatIsNotAJsonObject) {
  EXPECT_FALSE(parse_candidate_info(""));
  EXPECT_FALSE(parse_candidate_info("not json"));
  EXPECT_FALSE(parse_candidate_info("[1,2]"));
  EXPECT_FALSE(parse_candidate_info(R"({"replica_id": )"));
}

TEST(CandidateInfo, MissingOrMistypedFieldsKeepDefaults) {
  const auto parsed = parse_candidate_info(R"({"replica_id": 7, "pid": "x", "hostname": "h"})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->replica_id, "");
  EXPECT_EQ(parsed->pid, 0);
  EXPECT_EQ(parsed->hostname, "h");
}

TEST(CandidateInfo, ProcessDefaultsFillOnlyWhatIsMissing) {
  const CandidateInfo filled = with_process_defaults(CandidateInfo{"r", "u", "", 0, "", ""});
  EXPECT_FALSE(filled.hostname.empty());
  EXPECT_EQ(filled.pid, static_cast<long long>(getpid()));
  const CandidateInfo kept = with_process_defaults(CandidateInfo{"r", "u", "given", 12, "", ""});
  EXPECT_EQ(kept.hostname, "given");
  EXPECT_EQ(kept.pid, 12);
}

}  // namespace
}  // namespace scale::cluster
