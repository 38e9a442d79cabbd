#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// HTTP for integration and e2e tests. The only test-support file that includes cpprestsdk (slow to
// compile); the raw-socket helper sends bytes no well-behaved client would.
namespace scale::test {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;         // names lower-cased
  std::string header(const std::string& name) const;  // "" when absent; name in any case
};

class HttpTestClient {
 public:
  explicit HttpTestClient(uint16_t port,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpTestClient();
  HttpTestClient(const HttpTestClient&) = delete;
  HttpTestClient& operator=(const HttpTestClient&) = delete;

  // Throws when no HTTP answer arrives (connection refused, timeout).
  HttpResult call(const std::string& method, const std::string& path,
                  const std::optional<std::string>& body = std::nullopt);
  HttpResult get(const std::string& path) { return call("GET", path); }
  HttpResult patch(const std::string& path, const std::string& body) {
    return call("PATCH", path, body);
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes `bytes` to 127.0.0.1:port, half-closes, and returns everything read until the server
// closes or `timeout` passes ("" when the connection was refused).
std::string raw_exchange(uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The status code of the first response in a raw answer, or 0.
int raw_status(const std::string& answer);

}  // namespace scale::test
