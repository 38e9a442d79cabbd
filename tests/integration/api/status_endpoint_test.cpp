// GET /v6/status/ over HTTP against a real PostgreSQL.
#include "api_test_fixture.h"

namespace scale::api::testing {
namespace {

constexpr const char* kDocument =
    R"({"timestamp": "2024-05-01T10:00:00Z", "scheduler": {"hostname": "h1", )"
    R"("state": {"name": "READY", "title": "Ready", "description": ""}, "warnings": []}, )"
    R"("num_offers": 3, "resources": {}, "nodes": [], "cluster": {"leader": "replica-b"}})";

class StatusEndpoint : public ApiTest {};

TEST_F(StatusEndpoint, MissingDocumentIs503) {
  start();
  const auto response = get("/v6/status/");
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("no status document"), std::string::npos) << response.body;
  EXPECT_EQ(response.header("Content-Type"), "application/json");
}

TEST_F(StatusEndpoint, FreshDocumentIsServedAsStored) {
  start();
  promote("replica-b", 7);
  write_status(7, kDocument);
  ASSERT_TRUE(wait_for_status("/v6/status/", 200));
  const auto response = get("/v6/status/");
  // Verbatim: the column is json, so the leader's text comes back byte for byte.
  EXPECT_EQ(response.body, kDocument);
}

TEST_F(StatusEndpoint, StaleDocumentIs503) {
  start();
  promote("replica-b", 7);
  write_status(7, kDocument);
  ASSERT_TRUE(wait_for_status("/v6/status/", 200));
  // As if the leader stopped writing 20 s ago (a direct UPDATE sends no NOTIFY: the poll sees it).
  sql().exec("UPDATE scheduler_status SET updated_at = updated_at - interval '20 seconds'");
  ASSERT_TRUE(wait_for_status("/v6/status/", 503));
  const auto response = get("/v6/status/");
  EXPECT_NE(response.body.find("stale"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("limit 12 s"), std::string::npos) << response.body;
}

TEST_F(StatusEndpoint, NewDocumentArrivesByNotifyWithoutWaitingForThePoll) {
  start([](ServerOptions& options) { options.cache_refresh = 60s; });
  ASSERT_EQ(get("/v6/status/").status, 503);
  promote("replica-b", 7);
  const auto written = std::chrono::steady_clock::now();
  write_status(7, kDocument);
  ASSERT_TRUE(wait_for_status("/v6/status/", 200, 3s));
  EXPECT_LT(std::chrono::steady_clock::now() - written, 3s);
  write_status(7, R"({"timestamp": "second"})");
  ASSERT_TRUE(scale::test::wait_until(
      [&] { return same_json(get("/v6/status/").body, R"({"timestamp": "second"})"); }, 3s));
}

TEST_F(StatusEndpoint, DocumentAgeingPastTheLimitTurnsStaleWithoutANewRead) {
  start([](ServerOptions& options) { options.status_max_age = 1s; });
  promote("replica-b", 7);
  write_status(7, kDocument);
  ASSERT_TRUE(wait_for_status("/v6/status/", 200));
  ASSERT_TRUE(wait_for_status("/v6/status/", 503, 4s));
}

}  // namespace
}  // namespace scale::api::testing
