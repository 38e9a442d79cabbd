// GET /v6/jobs/ pages kept with the PostgreSQL snapshot they were read in: a repeated read of
// unchanged rows is served from memory, and any completed transaction, even one written straight
// into PostgreSQL, makes the next read see it.
#include <rapidjson/document.h>

#include "api_test_fixture.h"
#include "tests/integration/db/jobs_test_rows.h"

namespace scale::api::testing {
namespace {

constexpr const char* kJob = R"({"name": "n", "command": "c", "resources": {"mem": 64}})";

class JobPages : public ApiTest {
 protected:
  void SetUp() override { start(); }

  long long submit() { return submit_job(kJob); }

  // The kept-page counter of /metrics for `cache` ("hit" or "miss").
  long long pages_served(const std::string& cache) {
    const auto text = get("/metrics").body;
    const std::string name = "scale_api_job_pages_total{cache=\"" + cache + "\"} ";
    const auto at = text.find(name);
    if (at == std::string::npos) {
      ADD_FAILURE() << name << "missing from " << text;
      return -1;
    }
    return std::stoll(text.substr(at + name.size()));
  }
};

TEST_F(JobPages, ARepeatedReadOfUnchangedRowsIsServedFromTheKeptPage) {
  for (int i = 0; i < 3; ++i) submit();
  const auto first = get("/v6/jobs/");
  ASSERT_EQ(first.status, 200) << first.body;
  // A background transaction of PostgreSQL's own (autovacuum's ANALYZE) may complete between two
  // reads; it only costs one read of the rows, so a few reads make a hit certain.
  for (int i = 0; i < 3; ++i) {
    const auto again = get("/v6/jobs/");
    ASSERT_EQ(again.status, 200);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("Content-Type"), "application/json");
    EXPECT_EQ(again.header("X-Scale-Replica"), "replica-a");
  }
  EXPECT_GE(pages_served("hit"), 1);
}

TEST_F(JobPages, ARowWrittenStraightIntoPostgresShowsOnTheNextRead) {
  const long long id = submit();
  ASSERT_EQ(get("/v6/jobs/").status, 200);
  ASSERT_EQ(get("/v6/jobs/").status, 200);
  db::testing::set_status(sql(), id, "RUNNING");
  auto page = parse(get("/v6/jobs/").body);
  EXPECT_STREQ(page["results"][0]["status"].GetString(), "RUNNING");
  const long long second = submit();
  page = parse(get("/v6/jobs/").body);
  EXPECT_EQ(page["count"].GetInt(), 2);
  EXPECT_EQ(page["results"][0]["id"].GetInt64(), second);
  sql().exec("DELETE FROM job WHERE id = $1", {std::to_string(second)});
  page = parse(get("/v6/jobs/").body);
  EXPECT_EQ(page["count"].GetInt(), 1);
  EXPECT_GE(pages_served("miss"), 3);
}

TEST_F(JobPages, EachFilterAndPageIsKeptApart) {
  const long long queued = submit();
  const long long running = submit();
  db::testing::set_status(sql(), running, "RUNNING");
  for (int round = 0; round < 2; ++round) {
    auto page = parse(get("/v6/jobs/?status=QUEUED").body);
    ASSERT_EQ(page["count"].GetInt(), 1);
    EXPECT_EQ(page["results"][0]["id"].GetInt64(), queued);
    page = parse(get("/v6/jobs/?status=RUNNING").body);
    ASSERT_EQ(page["count"].GetInt(), 1);
    EXPECT_EQ(page["results"][0]["id"].GetInt64(), running);
    page = parse(get("/v6/jobs/?page_size=1&page=2").body);
    ASSERT_EQ(page["results"].Size(), 1u);
    EXPECT_EQ(page["results"][0]["id"].GetInt64(), queued);
    EXPECT_STREQ(page["previous"].GetString(), "/v6/jobs/?page=1&page_size=1");
  }
  EXPECT_EQ(get("/v6/jobs/?page=3&page_size=1").status, 404) << "a page past the end stays 404";
  EXPECT_EQ(get("/v6/jobs/?page=3&page_size=1").status, 404);
}

TEST_F(JobPages, NoPageIsKeptWhenTheServerKeepsNone) {
  server_.reset();
  start_server([](ServerOptions& options) { options.job_pages_kept = 0; });
  submit();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(get("/v6/jobs/").status, 200);
  EXPECT_EQ(pages_served("hit"), 0);
  EXPECT_EQ(pages_served("miss"), 0);
}

}  // namespace
}  // namespace scale::api::testing
