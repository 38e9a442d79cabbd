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

// What to do about a refused token, appended to the server's own detail.
std::string token_hint(int status, bool have_token) {
  if (status == 401 && !have_token) return " (this API needs a token: pass --token-file FILE)";
  if (status == 401) return " (the token was not accepted; check --token-file)";
  if (status == 403) return " (the token in --token-file is not this API's token)";
  return "";
}

// For a failed https connection, what usually fixes it.
std::string tls_hint(const std::string& base, const std::string& error) {
  if (base.rfind("https://", 0) != 0) return "";
  if (error.find("certificate") == std::string::npos &&
      error.find("handshake") == std::string::npos) {
    return "";
  }
  return " (a self-signed certificate? pass --ca-file FILE, or --insecure to skip verification)";
}

// Loads the CA file once up front, so a bad file is a usage error and not a failed connection.
void check_ca_file(const std::string& ca_file) {
  try {
    boost::asio::ssl::context context(boost::asio::ssl::context::tls_client);
    context.load_verify_file(ca_file);
  } catch (const std::exception& e) {
    throw CliError(kExitUsage,
                   "--ca-file " + ca_file + ": no usable PEM certificate (" + e.what() + ")");
  }
}

}  // namespace

struct ApiClient::Impl {
  Impl(const std::string& base_url, std::chrono::milliseconds timeout, const TlsChoice& tls)
      : base(base_url), client(web::uri(base_url), config(timeout, tls)) {}
  static web::http::client::http_client_config config(std::chrono::milliseconds timeout,
                                                      const TlsChoice& tls) {
    web::http::client::http_client_config config;
    config.set_timeout(timeout);
    if (tls.insecure) {
      config.set_validate_certificates(false);
    } else if (!tls.ca_file.empty()) {
      // Runs for every connection, after cpprestsdk loaded the system's CAs: adds this one.
      config.set_ssl_context_callback([ca_file = tls.ca_file](boost::asio::ssl::context& context) {
        boost::system::error_code ignored;  // checked by check_ca_file already
        context.load_verify_file(ca_file, ignored);
      });
    }
    return config;
  }
  std::string base;
  web::http::client::http_client client;
  std::optional<std::string> token;
};

ApiClient::ApiClient(const std::string& base_url, std::optional<std::string> token,
                     std::chrono::milliseconds timeout, TlsChoice tls) {
  if (!tls.insecure && !tls.ca_file.empty()) check_ca_file(tls.ca_file);
  try {
    impl_ = std::make_unique<Impl>(base_url, timeout, tls);
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
    throw CliError(kExitUnreachable, "cannot reach " + impl_->base + ": " + e.what() +
                                         tls_hint(impl_->base, e.what()));
  }
  if (answer.status >= 400) {
    throw CliError(kExitHttpError, method + " " + path_and_query + ": HTTP " +
                                       std::to_string(answer.status) + ": " +
                                       detail_of(answer.body) +
                                       token_hint(answer.status, impl_->token.has_value()));
  }
  return answer;
}

}  // namespace scale::scalectl
