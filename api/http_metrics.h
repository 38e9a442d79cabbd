#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>

#include "api/prometheus_text.h"

// HTTP requests this replica answered, by route pattern (not the raw path: /v6/jobs/{id}/ is one
// series however many ids are asked for), method and status code, and how long they took, for
// GET /metrics.
namespace scale::api {

class HttpMetrics {
 public:
  // `route` is the matched pattern, or "unrouted" for answers given before a route matched.
  // `elapsed`: from the request's arrival (headers parsed) to the reply handed to the listener.
  void record(const std::string& route, const std::string& method, int status,
              std::chrono::steady_clock::duration elapsed);
  // scale_http_requests_total and scale_http_request_duration_seconds in the Prometheus text
  // format.
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  // By route and method only: the code would multiply the series by ~5 for little insight, and
  // the counter above already splits by code.
  std::map<std::pair<std::string, std::string>, prometheus::Histogram> latency_;
};

}  // namespace scale::api
