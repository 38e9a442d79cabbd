#include "secure_http_client.h"

#include <cpprest/http_client.h>

#include <algorithm>
#include <cctype>

namespace scale::api::testing {
namespace {

web::http::client::http_client_config config(const SecureHttpClient::Tls& tls,
                                             std::chrono::milliseconds timeout) {
  web::http::client::http_client_config config;
  config.set_timeout(timeout);
  config.set_validate_certificates(tls.verify);
  if (tls.verify && !tls.ca_file.empty()) {
    config.set_ssl_context_callback([ca_file = tls.ca_file](boost::asio::ssl::context& context) {
      context.load_verify_file(ca_file);
    });
  }
  return config;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

struct SecureHttpClient::Impl {
  Impl(const std::string& base_url, const Tls& tls, std::chrono::milliseconds timeout)
      : client(web::uri(base_url), config(tls, timeout)) {}
  web::http::client::http_client client;
};

SecureHttpClient::SecureHttpClient(const std::string& base_url, Tls tls,
                                   std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(base_url, tls, timeout)) {}
SecureHttpClient::~SecureHttpClient() = default;

scale::test::HttpResult SecureHttpClient::call(const std::string& method, const std::string& path,
                                               const std::map<std::string, std::string>& headers,
                                               const std::optional<std::string>& body) {
  web::http::http_request request(method);
  request.set_request_uri(path);
  for (const auto& [name, value] : headers) request.headers().add(name, value);
  if (body) {
    // Bytes rather than a std::string body: see api/server.cpp (UBSan vptr in cpprest).
    request.headers().set_content_type("application/json");
    request.set_body(std::vector<unsigned char>(body->begin(), body->end()));
  }
  // The test's own thread: blocking on the task is fine.
  auto response = impl_->client.request(request).get();
  scale::test::HttpResult result;
  result.status = response.status_code();
  const auto bytes = response.extract_vector().get();
  result.body.assign(bytes.begin(), bytes.end());
  for (const auto& [name, value] : response.headers()) result.headers[lower(name)] = value;
  return result;
}

}  // namespace scale::api::testing
