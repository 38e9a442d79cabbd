// The Prometheus text helpers (histograms for every module's instruments) and the HTTP families
// of /metrics built on them.
#include "api/prometheus_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "api/http_metrics.h"

namespace scale::prometheus {
namespace {

using namespace std::chrono_literals;

TEST(PrometheusText, NumbersAsTheFormatSpellsThem) {
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(1234567), "1234567");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(0.005), "0.005");
  EXPECT_EQ(format_number(0.0005), "0.0005");
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(1e-9), "1e-09");
  EXPECT_EQ(format_number(2.5), "2.5");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_number(std::nan("")), "NaN");
}

TEST(PrometheusText, LabelsAreEscaped) {
  EXPECT_EQ(escape_label(R"(a"b\c)"), R"(a\"b\\c)");
  EXPECT_EQ(escape_label("a\nb"), "a\\nb");
  EXPECT_EQ(label_set({{"route", "/v6/jobs/{id}/"}, {"method", "GET"}}),
            R"(route="/v6/jobs/{id}/",method="GET")");
  EXPECT_EQ(label_set({}), "");
}

TEST(PrometheusText, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Histogram histogram({0.125, 0.5, 1});
  // Binary fractions, so the sum prints exactly.
  for (double v : {0.0625, 0.125, 0.25, 0.75, 2.0}) histogram.observe(v);
  std::string out;
  write_family_header(out, "x_seconds", "histogram", "Example.");
  write_histogram(out, "x_seconds", label_set({{"route", "/a"}}), histogram);
  EXPECT_EQ(out,
            "# HELP x_seconds Example.\n"
            "# TYPE x_seconds histogram\n"
            "x_seconds_bucket{route=\"/a\",le=\"0.125\"} 2\n"  // le is inclusive
            "x_seconds_bucket{route=\"/a\",le=\"0.5\"} 3\n"
            "x_seconds_bucket{route=\"/a\",le=\"1\"} 4\n"
            "x_seconds_bucket{route=\"/a\",le=\"+Inf\"} 5\n"
            "x_seconds_sum{route=\"/a\"} 3.1875\n"
            "x_seconds_count{route=\"/a\"} 5\n");
}

TEST(PrometheusText, HistogramWithoutLabelsOrObservations) {
  Histogram histogram({1});
  std::string out;
  write_histogram(out, "y", "", histogram);
  EXPECT_EQ(out, "y_bucket{le=\"1\"} 0\ny_bucket{le=\"+Inf\"} 0\ny_sum 0\ny_count 0\n");
}

TEST(PrometheusText, BoundsMustIncrease) {
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({std::numeric_limits<double>::infinity()}), std::invalid_argument);
  const auto& latency = latency_buckets_seconds();
  EXPECT_NO_THROW(Histogram{latency});
  EXPECT_EQ(latency.front(), 0.0005);
  EXPECT_EQ(latency.back(), 10);
}

TEST(HttpMetricsText, LatencyHistogramByRoutePatternAndMethod) {
  api::HttpMetrics metrics;
  metrics.record("/v6/jobs/{id}/", "GET", 200, 3ms);
  metrics.record("/v6/jobs/{id}/", "GET", 404, 20ms);
  metrics.record("/v6/status/", "GET", 200, 200us);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("# TYPE scale_http_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("scale_http_request_duration_seconds_bucket{route=\"/v6/jobs/{id}/\","
                      "method=\"GET\",le=\"0.0025\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scale_http_request_duration_seconds_bucket{route=\"/v6/jobs/{id}/\","
                      "method=\"GET\",le=\"0.005\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scale_http_request_duration_seconds_bucket{route=\"/v6/jobs/{id}/\","
                      "method=\"GET\",le=\"+Inf\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scale_http_request_duration_seconds_count{route=\"/v6/jobs/{id}/\","
                      "method=\"GET\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scale_http_request_duration_seconds_bucket{route=\"/v6/status/\","
                      "method=\"GET\",le=\"0.0005\"} 1\n"),
            std::string::npos)
      << text;
  // The counter still splits by code.
  EXPECT_NE(text.find("scale_http_requests_total{route=\"/v6/jobs/{id}/\",method=\"GET\","
                      "code=\"404\"} 1\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace scale::prometheus
