#include "cluster/zk_auth.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace scale::cluster {
namespace {

bool has_control_characters(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

std::optional<ZkAuth> parse_zk_auth(std::string_view text, std::string* problem) {
  const auto fail = [&](const char* reason) -> std::optional<ZkAuth> {
    if (problem != nullptr) *problem = reason;
    return std::nullopt;
  };
  text = trim(text);
  if (text.empty()) return fail("is empty (expected user:password)");
  if (has_control_characters(text)) return fail("must hold one line user:password");
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return fail("must hold user:password (no ':' found)");
  ZkAuth auth{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  if (auth.user.empty()) return fail("has an empty user (expected user:password)");
  if (auth.user.find_first_of(" \t") != std::string::npos) return fail("has a space in the user");
  if (auth.password.empty()) return fail("has an empty password (expected user:password)");
  return auth;
}

std::string digest_acl_id(const ZkAuth& auth) {
  const std::string credential = auth.user + ":" + auth.password;
  unsigned char sha1[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(credential.data(), credential.size(), sha1, &length, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("zookeeper: SHA-1 unavailable for the digest ACL");
  }
  // 4 output characters per 3 input bytes, plus the terminating NUL EVP_EncodeBlock writes.
  std::string encoded(4 * ((length + 2) / 3) + 1, '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), sha1, length);
  encoded.resize(static_cast<size_t>(written));
  return auth.user + ":" + encoded;
}

}  // namespace scale::cluster
