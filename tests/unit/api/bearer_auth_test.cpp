#include "api/bearer_auth.h"

#include <gtest/gtest.h>

#include <vector>

namespace scale::api {
namespace {

const std::string kToken = "Zm9v.bar-baz_~+/=";

TEST(BearerToken, TakesTheCredentialsOfTheBearerScheme) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer abc"), "abc");  // the scheme is case-insensitive
  EXPECT_EQ(bearer_token("BEARER   abc  "), "abc");
  EXPECT_EQ(bearer_token("Bearer " + kToken), kToken);
}

TEST(BearerToken, RejectsMalformedHeaders) {
  for (const char* bad : {"", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwdw==", "Bearerabc",
                          "Bearer a b", "Bearer a,Bearer b", "Bearer a\tb", "Token abc"}) {
    EXPECT_FALSE(bearer_token(bad)) << bad;
  }
  EXPECT_FALSE(bearer_token(std::string("Bearer a\0b", 10)));
  EXPECT_FALSE(bearer_token("Bearer caf\xc3\xa9"));
}

TEST(BearerAuth, WithoutATokenEverythingPasses) {
  const BearerAuth auth(std::nullopt, true);
  EXPECT_FALSE(auth.enabled());
  EXPECT_FALSE(auth.check("POST", "/v6/jobs/", std::nullopt));
  EXPECT_FALSE(auth.check("GET", "/v6/status/", std::nullopt));
}

TEST(BearerAuth, WritesNeedTheTokenReadsDoNot) {
  const BearerAuth auth(kToken, false);
  for (const char* method : {"POST", "PATCH", "PUT", "DELETE", "TRACE", "BREW"}) {
    EXPECT_TRUE(auth.needs_token(method, "/v6/jobs/")) << method;
  }
  for (const char* method : {"GET", "HEAD", "OPTIONS"}) {
    EXPECT_FALSE(auth.needs_token(method, "/v6/jobs/")) << method;
  }
  EXPECT_FALSE(auth.check("GET", "/v6/status/", std::nullopt));
  EXPECT_FALSE(auth.check("PATCH", "/v6/scheduler/", "Bearer " + kToken));
}

TEST(BearerAuth, MissingOrMalformedHeaderIs401WithAChallenge) {
  const BearerAuth auth(kToken, false);
  for (const std::optional<std::string_view> header :
       {std::optional<std::string_view>(), std::optional<std::string_view>("Basic eA=="),
        std::optional<std::string_view>("Bearer"), std::optional<std::string_view>("")}) {
    const auto refused = auth.check("POST", "/v6/jobs/", header);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401);
    EXPECT_EQ(refused->header("WWW-Authenticate").rfind("Bearer", 0), 0u);
    EXPECT_NE(refused->body.find("\"detail\""), std::string::npos) << refused->body;
  }
}

TEST(BearerAuth, AWellFormedWrongTokenIs403AndNeverEchoed) {
  const BearerAuth auth(kToken, false);
  for (const std::string& wrong :
       std::vector<std::string>{"nope", kToken + "x", kToken.substr(1), "Z"}) {
    const auto refused = auth.check("DELETE", "/v6/jobs/1/", "Bearer " + wrong);
    ASSERT_TRUE(refused) << wrong;
    EXPECT_EQ(refused->status, 403);
    EXPECT_EQ(refused->header("WWW-Authenticate"), "");
    EXPECT_EQ(refused->body.find(wrong), std::string::npos) << refused->body;
    EXPECT_EQ(refused->body.find(kToken), std::string::npos) << refused->body;
  }
}

TEST(BearerAuth, ProtectedReadsExceptHealthChecks) {
  const BearerAuth auth(kToken, true);
  EXPECT_EQ(auth.check("GET", "/v6/status/", std::nullopt)->status, 401);
  EXPECT_EQ(auth.check("GET", "/v6/jobs/", "Bearer wrong")->status, 403);
  EXPECT_FALSE(auth.check("GET", "/v6/jobs/", "Bearer " + kToken));
  EXPECT_EQ(auth.check("GET", "/no/such/path", std::nullopt)->status, 401);
  for (const char* path : {"/ping", "/ping/", "/healthz", "/healthz/", "/leaderhealth"}) {
    EXPECT_FALSE(auth.check("GET", path, std::nullopt)) << path;
  }
  // Only reads of them: a write to a health path still needs the token.
  EXPECT_EQ(auth.check("POST", "/ping", std::nullopt)->status, 401);
  // Other spellings fail closed.
  for (const char* path : {"/ping//", "/%70ing", "/pingx", "/v6/ping"}) {
    EXPECT_TRUE(auth.check("GET", path, std::nullopt)) << path;
  }
}

TEST(ValidTokenText, PrintableAsciiWithoutSpaces) {
  EXPECT_TRUE(valid_token_text(kToken));
  EXPECT_FALSE(valid_token_text(""));
  EXPECT_FALSE(valid_token_text("a b"));
  EXPECT_FALSE(valid_token_text("a\nb"));
  EXPECT_FALSE(valid_token_text("\x7f"));
}

}  // namespace
}  // namespace scale::api
