#include "http.h"

#include <cpprest/http_client.h>

#include <vector>

namespace scale::drill {

struct HttpClient::Impl {
  Impl(const std::string& url, std::chrono::milliseconds timeout)
      : base(url), client(web::uri(url), config(timeout)) {}
  static web::http::client::http_client_config config(std::chrono::milliseconds timeout) {
    web::http::client::http_client_config c;
    c.set_timeout(timeout);
    // A redirect is an answer the caller judges (a standby Mesos master's 307 names the leader).
    c.set_max_redirects(0);
    return c;
  }
  std::string base;
  web::http::client::http_client client;
};

HttpClient::HttpClient(const std::string& base_url, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(base_url, timeout)) {}

HttpClient::~HttpClient() = default;

const std::string& HttpClient::base_url() const {
  return impl_->base;
}

HttpAnswer HttpClient::get(const std::string& path) {
  return request("GET", path, nullptr);
}

HttpAnswer HttpClient::post(const std::string& path, const std::string& json_body) {
  return request("POST", path, &json_body);
}

HttpAnswer HttpClient::request(const std::string& method, const std::string& path,
                               const std::string* body) {
  web::http::http_request req(method);
  req.set_request_uri(path);
  if (body) {
    // Bytes, not a std::string body: cpprest's string body path trips UBSan's vptr check.
    req.headers().set_content_type("application/json");
    req.set_body(std::vector<unsigned char>(body->begin(), body->end()));
  }
  HttpAnswer answer;
  try {
    // Each caller is its own thread and the drill serves nothing: blocking on the task is fine.
    auto response = impl_->client.request(req).get();
    const auto bytes = response.extract_vector().get();
    answer.status = response.status_code();
    answer.body.assign(bytes.begin(), bytes.end());
    if (auto it = response.headers().find("Location"); it != response.headers().end()) {
      answer.location = it->second;
    }
  } catch (const std::exception& e) {
    answer.status = 0;
    answer.error = e.what();
  }
  return answer;
}

}  // namespace scale::drill
