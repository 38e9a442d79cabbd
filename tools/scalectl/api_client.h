#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

// The only part of scalectl that includes cpprestsdk (slow to compile).
namespace scale::scalectl {

struct ApiAnswer {
  int status = 0;
  std::string body;
};

// How an https:// URL's certificate is checked: against the system's trusted CAs by default,
// against `ca_file` (PEM; e.g. a self-signed certificate) when set, or not at all when `insecure`.
struct TlsChoice {
  std::string ca_file;
  bool insecure = false;
};

class ApiClient {
 public:
  // base_url: "http://host:port" or "https://host:port". token, when set, is sent as
  // "Authorization: Bearer <token>" and never appears in a message.
  ApiClient(const std::string& base_url, std::optional<std::string> token,
            std::chrono::milliseconds timeout, TlsChoice tls = {});
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Sends one request (body as JSON when set). Throws CliError(kExitUnreachable) when no HTTP
  // answer arrives and CliError(kExitHttpError) with the server's detail for a 4xx/5xx answer
  // (for 401/403 also what to do about the token).
  ApiAnswer call(const std::string& method, const std::string& path_and_query,
                 const std::optional<std::string>& body = std::nullopt);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scale::scalectl
