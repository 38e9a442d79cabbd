// The operator's console over real HTTP: the redirect, the embedded files with their security
// headers and ETag, and the /metrics families the console's dashboards read (HTTP latency by
// route pattern, promotion steps from the term history).
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/api/api_test_fixture.h"

namespace scale::api::testing {
namespace {

class ConsoleEndpoint : public ApiTest {};

TEST_F(ConsoleEndpoint, RootRedirectsToTheConsole) {
  start();
  // Raw bytes: the test client would follow the redirect.
  const auto answer =
      raw_exchange(options_.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw_status(answer), 302) << answer.substr(0, 300);
  EXPECT_NE(answer.find("\r\nLocation: ui/\r\n"), std::string::npos) << answer.substr(0, 300);
  EXPECT_NE(answer.find("\"detail\""), std::string::npos) << answer.substr(0, 300);
}

TEST_F(ConsoleEndpoint, ServesTheEmbeddedPageWithItsPolicy) {
  start();
  const auto page = get("/ui/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("Content-Type").rfind("text/html", 0), 0u) << page.header("Content-Type");
  const std::string policy = page.header("Content-Security-Policy");
  EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << policy;
  EXPECT_EQ(page.header("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(page.body.find("<script type=\"module\" src=\"app.js\">"), std::string::npos);

  const auto chart = get("/ui/chart.min.js");
  ASSERT_EQ(chart.status, 200);
  EXPECT_NE(chart.body.find("Chart.js v3"), std::string::npos);
  const std::string etag = chart.header("ETag");
  ASSERT_FALSE(etag.empty());
  const auto again = raw_exchange(options_.port,
                                  "GET /ui/chart.min.js HTTP/1.1\r\nHost: x\r\n"
                                  "If-None-Match: " +
                                      etag + "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw_status(again), 304) << again.substr(0, 200);

  const auto missing = get("/ui/no-such-file.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("\"detail\""), std::string::npos) << missing.body;
}

TEST_F(ConsoleEndpoint, MetricsHaveLatencyByRouteAndPromotionSteps) {
  start();
  promote("replica-b", 3);
  write_status(3, R"({"timestamp":"2026-12-02T04:00:00.000Z","cluster":{"epoch":3,"terms":[
    {"epoch":3,"replica_id":"replica-b","started":"2026-12-02T04:00:00.000Z","ended":null,
     "end_reason":null,"steps":[{"name":"elected","ms":0},{"name":"fenced","ms":20}]}]}})");
  ASSERT_TRUE(wait_for_status("/v6/status/", 200));
  ASSERT_EQ(get("/ui/").status, 200);

  const auto answer = get("/metrics");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const std::string& text = answer.body;
  EXPECT_NE(text.find("scale_http_request_duration_seconds_count{route=\"/ui/\",method=\"GET\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scale_promotion_step_seconds_count{step=\"fenced\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("scale_promotion_step_seconds_sum{step=\"fenced\"} 0.02\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scale_status_document_age_seconds "), std::string::npos) << text;
}

}  // namespace
}  // namespace scale::api::testing
