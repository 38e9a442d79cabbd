// What the API answers while PostgreSQL is down, and that it recovers. Each test owns its server.
#include "api_test_fixture.h"

namespace scale::api::testing {
namespace {

class DatabaseOutage : public ApiTest {
 protected:
  scale::test::PostgresServer postgres_;
};

TEST_F(DatabaseOutage, HealthzIs503WhilePostgresIsDownAnd200After) {
  start_on(postgres_);
  ASSERT_EQ(get("/healthz").status, 200);
  postgres_.stop();
  const auto started = std::chrono::steady_clock::now();
  const auto response = get("/healthz");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("database unavailable: "), std::string::npos) << response.body;
  EXPECT_EQ(get("/ping").status, 200);  // liveness without the database
  postgres_.start();
  EXPECT_TRUE(wait_for_status("/healthz", 200));
}

TEST_F(DatabaseOutage, PatchIs503AndReadsServeTheLastCopy) {
  start_on(postgres_);
  ASSERT_EQ(patch("/v6/scheduler/", R"({"queue_mode": "LIFO"})").status, 200);
  postgres_.stop();
  auto response = patch("/v6/scheduler/", R"({"queue_mode": "FIFO"})");
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("database unavailable"), std::string::npos) << response.body;
  // Validation still answers 400 without the database.
  EXPECT_EQ(patch("/v6/scheduler/", R"({"queue_mode": 7})").status, 400);
  response = get("/v6/scheduler/");
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("\"queue_mode\":\"LIFO\""), std::string::npos) << response.body;
  postgres_.start();
  EXPECT_TRUE(scale::test::wait_until(
      [&] { return patch("/v6/scheduler/", R"({"queue_mode": "FIFO"})").status == 200; }, 5s));
}

TEST_F(DatabaseOutage, StatusCopyTurnsStaleWhilePostgresIsGone) {
  start_on(postgres_, [](ServerOptions& options) { options.status_max_age = 2s; });
  promote("replica-b", 5);
  write_status(5, R"({"timestamp": "t"})");
  ASSERT_TRUE(wait_for_status("/v6/status/", 200));
  postgres_.stop();
  EXPECT_EQ(get("/v6/status/").status, 200);  // the copy is still young
  ASSERT_TRUE(wait_for_status("/v6/status/", 503, 5s));
  const auto response = get("/v6/status/");
  EXPECT_NE(response.body.find("stale"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("database unavailable"), std::string::npos) << response.body;
}

TEST_F(DatabaseOutage, ServerStartsWithoutADatabaseAndCatchesUp) {
  prepare_database(postgres_);
  postgres_.stop();
  start_server();  // serves at once, as a follower would while PostgreSQL comes up
  EXPECT_EQ(get("/ping").status, 200);
  EXPECT_EQ(get("/healthz").status, 503);
  for (const char* path : {"/v6/scheduler/", "/v6/status/"}) {
    const auto response = get(path);
    EXPECT_EQ(response.status, 503) << path;
    EXPECT_NE(response.body.find("database unavailable"), std::string::npos) << response.body;
  }
  postgres_.start();
  EXPECT_TRUE(wait_for_status("/v6/scheduler/", 200, 5s));
  EXPECT_TRUE(wait_for_status("/healthz", 200, 5s));
}

}  // namespace
}  // namespace scale::api::testing
