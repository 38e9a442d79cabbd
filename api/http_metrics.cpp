#include "api/http_metrics.h"

#include <sstream>

namespace scale::api {

namespace {

// Label values are route patterns and methods of ours, but escape as the format requires anyway.
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void HttpMetrics::count(const std::string& route, const std::string& method, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
}

std::string HttpMetrics::render() const {
  std::ostringstream out;
  out << "# HELP scale_http_requests_total HTTP requests answered, by route, method and code.\n"
      << "# TYPE scale_http_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out << "scale_http_requests_total{route=\"" << label(route) << "\",method=\"" << label(method)
        << "\",code=\"" << status << "\"} " << count << '\n';
  }
  return out.str();
}

}  // namespace scale::api
