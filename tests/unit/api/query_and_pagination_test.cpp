#include <gtest/gtest.h>

#include "api/pagination.h"
#include "api/path_id.h"
#include "api/query_params.h"
#include "api/router.h"

namespace scale::api {
namespace {

TEST(QueryParams, DecodesAndKeepsRepeatedValues) {
  const QueryParams params("status=QUEUED&status=RUNNING%2CFAILED&name=a+b%21&flag&&page=2&page=3");
  EXPECT_EQ(params.all("status"), (std::vector<std::string>{"QUEUED", "RUNNING,FAILED"}));
  EXPECT_EQ(params.last("name"), "a b!");
  EXPECT_EQ(params.last("flag"), "");
  EXPECT_EQ(params.last("page"), "3");
  EXPECT_FALSE(params.last("missing"));
  EXPECT_EQ(QueryParams("x=%zz%4").last("x"), "%zz%4");  // malformed escapes kept as typed
  EXPECT_EQ(QueryParams::encode("a b/é"), "a%20b%2F%C3%A9");
}

TEST(Pagination, ParsesPageAndClampsPageSize) {
  auto result = parse_page_request(QueryParams(""));
  ASSERT_TRUE(result.request);
  EXPECT_EQ(result.request->page, 1);
  EXPECT_EQ(result.request->page_size, kDefaultPageSize);
  result = parse_page_request(QueryParams("page=4&page_size=5000"));
  ASSERT_TRUE(result.request);
  EXPECT_EQ(result.request->page, 4);
  EXPECT_EQ(result.request->page_size, kMaxPageSize);
  for (const char* bad : {"page=0", "page=-1", "page=1x", "page=", "page_size=0", "page_size=a",
                          "page=99999999999999999999", "page=9999999999999"}) {
    result = parse_page_request(QueryParams(bad));
    EXPECT_FALSE(result.request) << bad;
    EXPECT_FALSE(result.error.empty()) << bad;
  }
}

TEST(Pagination, LinksAndInvalidPages) {
  auto write_nothing = [](JsonWriter&) {};
  auto response =
      page_response("/v6/jobs/", "&status=QUEUED", PageRequest{2, 10}, 25, write_nothing);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body,
            R"({"count":25,"next":"/v6/jobs/?page=3&page_size=10&status=QUEUED",)"
            R"("previous":"/v6/jobs/?page=1&page_size=10&status=QUEUED","results":[]})");
  response = page_response("/v6/jobs/", "", PageRequest{3, 10}, 25, write_nothing);
  EXPECT_NE(response.body.find(R"("next":null)"), std::string::npos);
  EXPECT_EQ(page_response("/v6/jobs/", "", PageRequest{4, 10}, 30, write_nothing).status, 404);
  EXPECT_EQ(page_response("/v6/jobs/", "", PageRequest{1, 10}, 0, write_nothing).status, 200);
}

TEST(RouterParameters, BraceSegmentMatchesOneNonEmptySegment) {
  Router router;
  router.add({"GET", "/v6/jobs/{id}/", false, [](const Request&) { return Response{}; }});
  router.add({"POST", "/v6/jobs/{id}/cancel/", false, [](const Request&) { return Response{}; }});
  EXPECT_EQ(router.match("GET", "/v6/jobs/12/").outcome, Router::Outcome::Found);
  EXPECT_EQ(router.match("GET", "/v6/jobs/12").outcome, Router::Outcome::Found);
  EXPECT_EQ(router.match("POST", "/v6/jobs/12/cancel").outcome, Router::Outcome::Found);
  EXPECT_EQ(router.match("GET", "/v6/jobs/12/cancel/").outcome, Router::Outcome::MethodNotAllowed);
  EXPECT_EQ(router.match("GET", "/v6/jobs//").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(router.match("GET", "/v6/jobs/1/2/").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(router.match("GET", "/v6/jobs/12//").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(router.match("GET", "/v6/nodes/12/").outcome, Router::Outcome::NotFound);
}

TEST(RouterParameters, PathIdAcceptsPositiveDecimalsOnly) {
  auto id = [](const std::string& path) { return path_id(Request{"GET", path, "", ""}, 2); };
  EXPECT_EQ(id("/v6/jobs/42/"), 42);
  EXPECT_EQ(id("/v6/jobs/42/cancel/"), 42);
  EXPECT_FALSE(id("/v6/jobs/0/"));
  EXPECT_FALSE(id("/v6/jobs/-4/"));
  EXPECT_FALSE(id("/v6/jobs/4a/"));
  EXPECT_FALSE(id("/v6/jobs/+4/"));
  EXPECT_FALSE(id("/v6/jobs/99999999999999999999/"));
  EXPECT_FALSE(id("/v6/jobs/"));
  EXPECT_EQ(path_segment("/v6/jobs/7/", 1), "jobs");
}

}  // namespace
}  // namespace scale::api
