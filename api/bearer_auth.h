#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.h"

namespace scale::api {

// Whether a request may proceed under --api_token_file / --api_token_reads, decided from its
// method, path and Authorization header alone (no server needed, so every rule is unit-tested).
//   - no token configured: everything passes;
//   - mutating methods (anything but GET, HEAD, OPTIONS) need "Authorization: Bearer <token>";
//   - reads need it too when `protect_reads`, except /ping, /healthz and /leaderhealth, which
//     HAProxy's health checks and liveness probes call without credentials, and except the
//     console's static files ("/", "/ui/..."), which hold no data;
// A missing or malformed header is 401 (with WWW-Authenticate: Bearer), a well-formed but wrong
// token 403. The token is kept only as its SHA-256 digest and compared digest against digest with
// CRYPTO_memcmp, so neither its content nor its length leaks through timing, and it cannot end up
// in a log or an answer by mistake.
class BearerAuth {
 public:
  BearerAuth(const std::optional<std::string>& token, bool protect_reads);

  bool enabled() const { return enabled_; }

  // nullopt when the request may proceed; otherwise the 401/403 answer to send instead.
  std::optional<Response> check(std::string_view method, std::string_view path,
                                std::optional<std::string_view> authorization) const;

  // True for the requests that need the token under this configuration.
  bool needs_token(std::string_view method, std::string_view path) const;

 private:
  using Digest = std::array<unsigned char, 32>;
  static Digest digest(std::string_view text);

  bool enabled_ = false;
  bool protect_reads_ = false;
  Digest expected_{};
};

// The credentials of "Bearer <token>" (scheme case-insensitive, one or more spaces), or nullopt
// when the header is not that: another scheme, no token, or a token with spaces or control
// characters.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// True for a token usable on the wire: non-empty printable ASCII without spaces.
bool valid_token_text(std::string_view token);

}  // namespace scale::api
