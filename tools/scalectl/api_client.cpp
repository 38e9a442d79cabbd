#include "tools/scalectl/api_client.h"

#include <cpprest/http_client.h>
#include <rapidjson/document.h>

#include "tools/scalectl/cli_error.h"

namespace scale::scalectl {
namespace {

// The server's {"detail": ...} or, when the body is not that, its first line.
std::string detail_of(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("detail") &&
      doc["detail"].IsString()) {
    return doc["detail"].GetString();
  }
  const auto line = body.substr(0, body.find('\n'));
  return line.empty() ? "(no detail)" : line.substr(0, 200);
}

}  // namespace

struct ApiClient::Impl {
  Impl(const std::string& base_url, std::chrono::milliseconds timeout)
      : base(base_url), client(web::uri(base_url), config(timeout)) {}
  static web::http::client::http_client_config config(std::chrono::milliseconds timeout) {
    web::http::client::http_client_config config;
    config.set_timeout(timeout);
    return config;
  }
  std::string base;
  web::http::client::http_client client;
  std::optional<std::string> token;
};

ApiClient::ApiClient(const std::string& base_url, std::optional<std::string> token,
                     std::chrono::milliseconds timeout) {
  try {
    impl_ = std::make_unique<Impl>(base_url, timeout);
  } catch (const std::exception& e) {
    throw CliError(kExitUsage, "invalid --url \"" + base_url + "\": " + e.what());
  }
  impl_->token = std::move(token);
}

ApiClient::~ApiClient() = default;

ApiAnswer ApiClient::call(const std::string& method, const std::string& path_and_query,
                          const std::optional<std::string>& body) {
  web::http::http_request request(method);
  request.set_request_uri(path_and_query);
  if (impl_->token) request.headers().add("Authorization", "Bearer " + *impl_->token);
  if (body) {
    // Bytes, not a std::string body: cpprest's string body path trips UBSan's vptr check.
    request.headers().set_content_type("application/json");
    request.set_body(std::vector<unsigned char>(body->begin(), body->end()));
  }
  ApiAnswer answer;
  try {
    // scalectl's own thread: blocking on the task is fine (no listener in this process).
    auto response = impl_->client.request(request).get();
    answer.status = response.status_code();
    const auto bytes = response.extract_vector().get();
    answer.body.assign(bytes.begin(), bytes.end());
  } catch (const std::exception& e) {
    throw CliError(kExitUnreachable, "cannot reach " + impl_->base + ": " + e.what());
  }
  if (answer.status >= 400) {
    throw CliError(kExitHttpError, method + " " + path_and_query + ": HTTP " +
                                       std::to_string(answer.status) + ": " +
                                       detail_of(answer.body));
  }
  return answer;
}

}  // namespace scale::scalectl
