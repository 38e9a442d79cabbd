#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Plain request/response values, so routing, validation and handlers are testable without a
// listener and without pulling cpprestsdk headers (slow to compile) into every file.
namespace scale::api {

struct Request {
  std::string method;  // upper case, as on the wire: "GET", "PATCH", ...
  std::string path;    // without the query string
  std::string body;    // read only for routes that take a body
  std::string query;   // after '?', still percent-encoded; "" when none
  // When the listener handed the request over: the start of its latency in /metrics.
  std::chrono::steady_clock::time_point received{};
  // The If-None-Match header, "" when absent: the console's assets answer 304 to their ETag.
  std::string if_none_match{};
};

struct Response {
  int status = 200;
  std::string body;  // JSON, except GET /metrics (Prometheus text)
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type

  // Value of the first header named `name` (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
};

}  // namespace scale::api
