// Routes that wait on PostgreSQL run on the server's worker threads, never on cpprestsdk's
// shared pool: answers from memory keep coming while every worker is stuck in the database, and
// a request queued behind them too long is refused with 503 instead of piling up.
#include <future>

#include "api_test_fixture.h"

namespace scale::api::testing {
namespace {

constexpr const char* kDocument = R"({"timestamp": "2024-05-01T10:00:00Z", "num_offers": 0})";

class DatabaseWorkers : public ApiTest {
 protected:
  // True once a statement of another session waits for a lock (the test's own lock).
  bool someone_waits_for_a_lock() {
    return sql().exec("SELECT count(*) FROM pg_locks WHERE NOT granted").integer(0, 0) > 0;
  }
};

TEST_F(DatabaseWorkers, MemoryAnswersContinueWhileTheOnlyWorkerIsStuckInTheDatabase) {
  start([](ServerOptions& options) {
    options.database_threads = 1;
    options.database_queue_timeout = 300ms;
  });
  promote("replica-b", 7);
  write_status(7, kDocument);
  ASSERT_TRUE(wait_for_status("/v6/status/", 200));

  // Block writers of the settings row (reads still pass, so the cache keeps refreshing).
  sql().exec("BEGIN");
  sql().exec("LOCK TABLE scheduler IN EXCLUSIVE MODE");
  auto patch = std::async(std::launch::async, [&] {
    HttpTestClient client(options_.port);
    return client.patch("/v6/scheduler/", R"({"is_paused": true})");
  });
  ASSERT_TRUE(scale::test::wait_until([&] { return someone_waits_for_a_lock(); }, 5s));
  // The only worker now sits in the UPDATE: this list queues behind it.
  auto list = std::async(std::launch::async, [&] {
    HttpTestClient client(options_.port);
    return client.get("/v6/jobs/");
  });

  // Past the queue timeout, answers from memory are still served, and quickly.
  const auto deadline = std::chrono::steady_clock::now() + 500ms;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto asked = std::chrono::steady_clock::now();
    const auto status = get("/v6/status/");
    EXPECT_EQ(status.status, 200);
    EXPECT_EQ(status.body, kDocument);
    EXPECT_LT(std::chrono::steady_clock::now() - asked, 1s);
    EXPECT_EQ(get("/leaderhealth").status, 502);  // no leader in this test's view
    ASSERT_EQ(list.wait_for(0ms), std::future_status::timeout) << "the list did not queue";
  }

  sql().exec("COMMIT");
  const auto patched = patch.get();
  EXPECT_EQ(patched.status, 200) << patched.body;
  const auto listed = list.get();
  EXPECT_EQ(listed.status, 503) << listed.body;
  EXPECT_NE(listed.body.find("queued too long"), std::string::npos) << listed.body;
  // Once the worker is free again, the database routes answer normally.
  EXPECT_EQ(get("/v6/jobs/").status, 200);
}

}  // namespace
}  // namespace scale::api::testing
