#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "tests/support/http_test_client.h"

namespace scale::api::testing {

// An HTTP(S) client for the security tests: any request headers (Authorization), and for
// https:// URLs either trust in one PEM certificate (the test's self-signed one) or, only when
// asked explicitly, no certificate verification at all.
struct TlsTrust {
  std::string ca_file;  // trusted besides the system's CAs; empty: the system's only
  bool verify = true;   // false only in a test that checks what an unverified client sees
};

class SecureHttpClient {
 public:
  using Tls = TlsTrust;

  explicit SecureHttpClient(const std::string& base_url, Tls tls = {},
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~SecureHttpClient();
  SecureHttpClient(const SecureHttpClient&) = delete;
  SecureHttpClient& operator=(const SecureHttpClient&) = delete;

  // Throws when no HTTP answer arrives (refused, TLS handshake or verification failed, timeout).
  scale::test::HttpResult call(const std::string& method, const std::string& path,
                               const std::map<std::string, std::string>& headers = {},
                               const std::optional<std::string>& body = std::nullopt);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scale::api::testing
