#include "api/json_response.h"

#include <gtest/gtest.h>

namespace scale::api {
namespace {

TEST(JsonResponse, ErrorIsDetailObject) {
  const auto response = error_response(404, "not found: /x");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, R"({"detail":"not found: /x"})");
}

TEST(JsonResponse, DetailIsEscaped) {
  EXPECT_EQ(error_response(400, "a \"b\"\n\\").body, R"({"detail":"a \"b\"\n\\"})");
}

TEST(JsonResponse, SanitizeKeepsPrintableAsciiAndCuts) {
  EXPECT_EQ(sanitize("abc"), "abc");
  EXPECT_EQ(sanitize(std::string("a\0b\x01\xff", 5)), "a?b??");
  EXPECT_EQ(sanitize(std::string(10, 'x'), 4), "xxxx...");
  EXPECT_EQ(sanitize(std::string(4, 'x'), 4), "xxxx");
}

TEST(JsonResponse, HeaderLookupIsCaseInsensitive) {
  Response response;
  response.headers.emplace_back("Allow", "GET");
  EXPECT_EQ(response.header("allow"), "GET");
  EXPECT_EQ(response.header("X-Other"), "");
}

}  // namespace
}  // namespace scale::api
