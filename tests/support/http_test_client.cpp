#include "tests/support/http_test_client.h"

#include <arpa/inet.h>
#include <cpprest/http_client.h>
#include <netinet/in.h>
#include <poll.h>
#include <pplx/threadpool.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "tests/support/loopback.h"

namespace scale::test {
namespace {

// The listener and these clients share cpprestsdk's thread pool. A small one, as a production
// replica may configure, makes any handler that blocks on a pplx task deadlock the tests.
[[maybe_unused]] const bool kSmallThreadPool = [] {
  try {
    crossplat::threadpool::initialize_with_threads(4);
  } catch (const std::exception&) {
    return false;  // already initialised by someone else
  }
  return true;
}();

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string HttpResult::header(const std::string& name) const {
  const auto it = headers.find(lower(name));
  return it == headers.end() ? "" : it->second;
}

struct HttpTestClient::Impl {
  Impl(uint16_t port, std::chrono::milliseconds timeout)
      : client("http://127.0.0.1:" + std::to_string(port), config(timeout)) {}
  static web::http::client::http_client_config config(std::chrono::milliseconds timeout) {
    web::http::client::http_client_config config;
    config.set_timeout(timeout);
    return config;
  }
  web::http::client::http_client client;
};

HttpTestClient::HttpTestClient(uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(port, timeout)) {}
HttpTestClient::~HttpTestClient() = default;

HttpResult HttpTestClient::call(const std::string& method, const std::string& path,
                                const std::optional<std::string>& body) {
  web::http::http_request request(method);
  request.set_request_uri(path);
  if (body) {
    // Bytes rather than a std::string body: see api/server.cpp (UBSan vptr in cpprest).
    request.headers().set_content_type("application/json");
    request.set_body(std::vector<unsigned char>(body->begin(), body->end()));
  }
  // Blocking on the task is fine here: this is the test's thread, not a pplx pool thread.
  auto response = impl_->client.request(request).get();
  HttpResult result;
  result.status = response.status_code();
  const auto bytes = response.extract_vector().get();
  result.body.assign(bytes.begin(), bytes.end());
  for (const auto& [name, value] : response.headers()) result.headers[lower(name)] = value;
  return result;
}

std::string raw_exchange(uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout) {
  const int fd = connect_loopback(port);
  if (fd < 0) return "";
  std::string answer;
  {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const auto n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    shutdown(fd, SHUT_WR);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const auto n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      answer.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  return answer;
}

int raw_status(const std::string& answer) {
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return 0;
  return std::atoi(answer.substr(9, 3).c_str());
}

}  // namespace scale::test
