#include "api/http_metrics.h"

namespace scale::api {

namespace {

constexpr const char* kLatencyName = "scale_http_request_duration_seconds";

}  // namespace

void HttpMetrics::record(const std::string& route, const std::string& method, int status,
                         std::chrono::steady_clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
  auto it = latency_.find({route, method});
  if (it == latency_.end()) {
    it = latency_
             .emplace(std::pair(route, method),
                      prometheus::Histogram(prometheus::latency_buckets_seconds()))
             .first;
  }
  it->second.observe(seconds);
}

std::string HttpMetrics::render() const {
  std::string out;
  prometheus::write_family_header(out, "scale_http_requests_total", "counter",
                                  "HTTP requests answered, by route, method and code.");
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    const std::string code = std::to_string(status);
    out.append("scale_http_requests_total{")
        .append(prometheus::label_set({{"route", route}, {"method", method}, {"code", code}}))
        .append("} ")
        .append(std::to_string(count))
        .append("\n");
  }
  prometheus::write_family_header(
      out, kLatencyName, "histogram",
      "Time from a request's arrival to its reply, by route pattern and method.");
  for (const auto& [key, histogram] : latency_) {
    prometheus::write_histogram(
        out, kLatencyName, prometheus::label_set({{"route", key.first}, {"method", key.second}}),
        histogram);
  }
  return out;
}

}  // namespace scale::api
