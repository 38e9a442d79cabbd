#include <gtest/gtest.h>

#include "api/standby_reads.h"
#include "api/status_handler.h"

namespace scale::api {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

CacheSnapshot with_status(double age_at_read, Clock::time_point read_at) {
  CacheSnapshot snapshot;
  snapshot.loaded = true;
  snapshot.status = CachedStatus{R"({"timestamp":"t","scheduler":{}})", age_at_read, read_at};
  return snapshot;
}

TEST(StatusResponse, FreshDocumentIsServedVerbatim) {
  const auto now = Clock::now();
  const auto response = status_response(with_status(1.5, now), seconds(12), now);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"timestamp":"t","scheduler":{}})");
}

TEST(StatusResponse, AgeAddsLocalTimeSinceRead) {
  const auto read_at = Clock::now();
  const auto snapshot = with_status(5.0, read_at);
  EXPECT_DOUBLE_EQ(snapshot.status->age_seconds(read_at + seconds(3)), 8.0);
  EXPECT_EQ(status_response(snapshot, seconds(12), read_at + seconds(6)).status, 200);
  // The copy was not refreshed for 8 s (database gone): 5 + 8 = 13 s > 12 s.
  const auto stale = status_response(snapshot, seconds(12), read_at + seconds(8));
  EXPECT_EQ(stale.status, 503);
  EXPECT_NE(stale.body.find("stale"), std::string::npos) << stale.body;
}

TEST(StatusResponse, OldDocumentIsStaleEvenWhenJustRead) {
  const auto now = Clock::now();
  const auto response = status_response(with_status(20.0, now), seconds(12), now);
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("written 20.0 s ago (limit 12 s)"), std::string::npos)
      << response.body;
}

TEST(StatusResponse, StaleDetailMentionsDatabaseError) {
  const auto now = Clock::now();
  auto snapshot = with_status(30.0, now);
  snapshot.last_error = "connection refused";
  const auto response = status_response(snapshot, seconds(12), now);
  EXPECT_NE(response.body.find("database unavailable: connection refused"), std::string::npos);
}

TEST(StandbyReads, AStandbyWithinTheLimitIsReadAndOneBeyondItIsRefused) {
  const auto read_at = Clock::now();
  auto snapshot = with_status(1.0, read_at);
  EXPECT_FALSE(standby_too_far_behind(snapshot, seconds(12), read_at)) << "the primary is read";
  snapshot.standby_lag = StandbyLag{3.0, read_at};
  EXPECT_FALSE(standby_too_far_behind(snapshot, seconds(12), read_at + seconds(8)));
  EXPECT_EQ(status_response(snapshot, seconds(12), read_at + seconds(8)).status, 200);
  // Not refreshed since (the standby stopped answering): 3 + 10 = 13 s behind.
  const auto refused = standby_too_far_behind(snapshot, seconds(12), read_at + seconds(10));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_NE(refused->body.find("13.0 s behind the primary (limit 12 s)"), std::string::npos)
      << refused->body;
}

TEST(StandbyReads, TheStatusOfAStandbyTooFarBehindIs503) {
  const auto now = Clock::now();
  auto snapshot = with_status(2.0, now);
  snapshot.standby_lag = StandbyLag{14.5, now};
  const auto response = status_response(snapshot, seconds(12), now);
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("14.5 s behind the primary"), std::string::npos) << response.body;
}

TEST(StandbyReads, AStaleDocumentReadFromAStandbySaysHowFarBehindItIs) {
  const auto now = Clock::now();
  auto snapshot = with_status(13.0, now);
  snapshot.standby_lag = StandbyLag{11.0, now};
  const auto response = status_response(snapshot, seconds(12), now);
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("stale"), std::string::npos);
  EXPECT_NE(response.body.find("read from a hot standby 11.0 s behind the primary"),
            std::string::npos)
      << response.body;
}

TEST(StatusResponse, MissingDocumentIs503) {
  CacheSnapshot snapshot;
  snapshot.loaded = true;
  const auto response = status_response(snapshot, seconds(12), Clock::now());
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("no status document"), std::string::npos);
}

TEST(StatusResponse, NeverLoadedIs503WithDatabaseError) {
  CacheSnapshot snapshot;
  snapshot.last_error = "could not connect";
  const auto response = status_response(snapshot, seconds(12), Clock::now());
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("database unavailable: could not connect"), std::string::npos);
}

}  // namespace
}  // namespace scale::api
