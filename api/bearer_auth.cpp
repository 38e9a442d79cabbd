#include "api/bearer_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <strings.h>

#include <stdexcept>

#include "api/json_response.h"

namespace scale::api {
namespace {

constexpr std::string_view kScheme = "Bearer";

bool is_read(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// Exact paths (with or without the trailing slash, as the router accepts both). Anything else,
// including percent-encoded spellings, needs the token: unknown forms fail closed.
bool is_health_check(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path == "/ping" || path == "/healthz" || path == "/leaderhealth";
}

// The console's own files ("/", "/ui", "/ui/" and "/ui/<name>"): code, no data, so a browser can
// load the page that then asks for the token; every call the page makes is checked as usual.
bool is_console_file(std::string_view path) {
  if (path == "/" || path == "/ui" || path == "/ui/") return true;
  constexpr std::string_view kPrefix = "/ui/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view name = path.substr(kPrefix.size());
  if (!name.empty() && name.back() == '/') name.remove_suffix(1);
  return !name.empty() && name.find('/') == std::string_view::npos;
}

Response unauthorized(std::string_view detail) {
  Response response = error_response(401, detail);
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"scale\"");
  return response;
}

}  // namespace

bool valid_token_text(std::string_view token) {
  if (token.empty()) return false;
  for (const char c : token) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  if (authorization.size() <= kScheme.size() ||
      strncasecmp(authorization.data(), kScheme.data(), kScheme.size()) != 0 ||
      authorization[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (!valid_token_text(token)) return std::nullopt;
  return token;
}

BearerAuth::BearerAuth(const std::optional<std::string>& token, bool protect_reads)
    : enabled_(token.has_value()), protect_reads_(protect_reads) {
  if (enabled_) expected_ = digest(*token);
}

BearerAuth::Digest BearerAuth::digest(std::string_view text) {
  Digest out{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), out.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != out.size()) {
    // Only when OpenSSL itself is broken; failing the request beats accepting it.
    throw std::runtime_error("api: SHA-256 unavailable");
  }
  return out;
}

bool BearerAuth::needs_token(std::string_view method, std::string_view path) const {
  if (!enabled_) return false;
  if (!is_read(method)) return true;
  return protect_reads_ && !is_health_check(path) && !is_console_file(path);
}

std::optional<Response> BearerAuth::check(std::string_view method, std::string_view path,
                                          std::optional<std::string_view> authorization) const {
  if (!needs_token(method, path)) return std::nullopt;
  if (!authorization) {
    return unauthorized("authentication required: send Authorization: Bearer <token>");
  }
  const auto token = bearer_token(*authorization);
  if (!token) {
    return unauthorized("malformed Authorization header: expected Bearer <token>");
  }
  const Digest presented = digest(*token);
  if (CRYPTO_memcmp(presented.data(), expected_.data(), presented.size()) != 0) {
    return error_response(403, "invalid token");
  }
  return std::nullopt;
}

}  // namespace scale::api
