#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

// HTTP requests this replica answered, by route pattern (not the raw path: /v6/jobs/{id}/ is one
// series however many ids are asked for), method and status code, for GET /metrics.
namespace scale::api {

class HttpMetrics {
 public:
  // `route` is the matched pattern, or "unmatched" for a 404 on an unknown path.
  void count(const std::string& route, const std::string& method, int status);
  // The scale_http_requests_total family in the Prometheus text format.
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
};

}  // namespace scale::api
