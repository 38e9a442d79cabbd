#include "cluster/zk_auth.h"

#include <gtest/gtest.h>

namespace scale::cluster {
namespace {

TEST(ParseZkAuth, SplitsAtTheFirstColonAndDropsSurroundingWhitespace) {
  std::string problem;
  auto auth = parse_zk_auth("  scale:s3cr:et \n", &problem);
  ASSERT_TRUE(auth) << problem;
  EXPECT_EQ(auth->user, "scale");
  EXPECT_EQ(auth->password, "s3cr:et");  // a password may hold ':'
}

TEST(ParseZkAuth, RejectsWhatIsNotUserColonPasswordWithoutQuotingIt) {
  const char* const bad[] = {"",      " \n",          "no-colon-secret", ":secret",
                             "user:", "user:pw\nx:y", "us er:secret"};
  for (const char* text : bad) {
    std::string problem;
    EXPECT_FALSE(parse_zk_auth(text, &problem)) << text;
    EXPECT_FALSE(problem.empty()) << text;
    EXPECT_EQ(problem.find("secret"), std::string::npos) << problem;
    EXPECT_EQ(problem.find('\n'), std::string::npos) << problem;
  }
}

// Vectors from ZooKeeper's own DigestAuthenticationProvider (java ... DigestAuthenticationProvider
// user:password), so the ACL matches what the server derives from the credential.
TEST(DigestAclId, MatchesZooKeepersDigestAuthenticationProvider) {
  EXPECT_EQ(digest_acl_id({"user", "password"}), "user:tpUq/4Pn5A64fVZyQ0gOJ8ZWqkY=");
  EXPECT_EQ(digest_acl_id({"scale", "s3cr:et"}), "scale:gk3hkX6FOd3H+25hDLhpVrEQtp4=");
}

}  // namespace
}  // namespace scale::cluster
