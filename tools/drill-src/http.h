#pragma once

#include <chrono>
#include <memory>
#include <string>

// The only part of the drill that includes cpprestsdk (slow to compile).
namespace scale::drill {

struct HttpAnswer {
  int status = 0;  // 0: no HTTP answer (refused, timed out, reset); see error
  std::string body;
  std::string location;  // the Location header (redirects are not followed)
  std::string error;
};

// One keep-alive client per base URL; not shared between threads (each poller owns its own).
class HttpClient {
 public:
  HttpClient(const std::string& base_url, std::chrono::milliseconds timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpAnswer get(const std::string& path);
  HttpAnswer post(const std::string& path, const std::string& json_body);
  const std::string& base_url() const;

 private:
  HttpAnswer request(const std::string& method, const std::string& path, const std::string* body);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scale::drill
