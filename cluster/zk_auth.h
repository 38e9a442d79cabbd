#pragma once

// The ZooKeeper digest credential of --zk_auth_file and the ACL it implies for election nodes.

#include <optional>
#include <string>
#include <string_view>

namespace scale::cluster {

// "user:password" for ZooKeeper's digest scheme. The password never appears in logs or messages.
struct ZkAuth {
  std::string user;
  std::string password;
};

// Parses the content of --zk_auth_file: "user:password" (surrounding whitespace and the final
// newline ignored, the password may itself contain ':'). Returns nullopt and a one-line reason
// in *problem (which never quotes the password) when the text is not that.
std::optional<ZkAuth> parse_zk_auth(std::string_view text, std::string* problem);

// The id ZooKeeper's DigestAuthenticationProvider derives from the credential, for ACL entries:
// "user:" + base64(sha1("user:password")).
std::string digest_acl_id(const ZkAuth& auth);

}  // namespace scale::cluster
