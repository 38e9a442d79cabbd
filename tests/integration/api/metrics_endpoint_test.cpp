// GET /metrics over real HTTP: the Prometheus text of the API's own counters, the jobs by state
// from PostgreSQL, and what the replica process supplies.
#include <gtest/gtest.h>

#include "tests/integration/api/api_test_fixture.h"

namespace scale::api::testing {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

class MetricsEndpoint : public ApiTest {};

TEST_F(MetricsEndpoint, ServesPrometheusTextWithRequestsJobsAndReplicaFamilies) {
  start([](ServerOptions& options) {
    options.replica_metrics = [] {
      return std::string("# TYPE scale_leader gauge\nscale_leader 1\n");
    };
  });
  sql().exec("INSERT INTO job (name, command, cpus) VALUES ('a', 'true', 1), ('b', 'true', 1)");
  ASSERT_EQ(get("/v6/jobs/1/").status, 200);
  ASSERT_EQ(get("/v6/jobs/2/").status, 200);
  ASSERT_EQ(get("/v6/no-such-thing/").status, 404);

  const auto answer = get("/metrics");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.header("Content-Type").rfind("text/plain", 0), 0u)
      << answer.header("Content-Type");
  const std::string& text = answer.body;
  EXPECT_TRUE(has_line(text, "scale_leader 1")) << text;
  EXPECT_TRUE(has_line(text, "scale_database_up 1")) << text;
  EXPECT_TRUE(has_line(text, "scale_jobs{state=\"QUEUED\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "scale_jobs{state=\"RUNNING\"} 0")) << text;
  // One series per route pattern, whatever the ids asked for.
  EXPECT_TRUE(has_line(
      text, "scale_http_requests_total{route=\"/v6/jobs/{id}/\",method=\"GET\",code=\"200\"} 2"))
      << text;
  EXPECT_TRUE(
      has_line(text, "scale_http_requests_total{route=\"unrouted\",method=\"GET\",code=\"404\"} 1"))
      << text;
  EXPECT_NE(text.find("# TYPE scale_http_requests_total counter"), std::string::npos);
}

}  // namespace
}  // namespace scale::api::testing
