#include "api/router.h"

#include <gtest/gtest.h>

namespace scale::api {
namespace {

Handler answer(int status) {
  return [status](const Request&) {
    Response response;
    response.status = status;
    return response;
  };
}

Router sample_router() {
  Router router;
  router.add({"GET", "/v6/scheduler/", false, answer(201)});
  router.add({"PATCH", "/v6/scheduler/", true, answer(202)});
  router.add({"GET", "/ping", false, answer(203)});
  return router;
}

TEST(Router, FindsRouteByMethodAndPath) {
  const auto router = sample_router();
  const auto match = router.match("PATCH", "/v6/scheduler/");
  ASSERT_EQ(match.outcome, Router::Outcome::Found);
  EXPECT_TRUE(match.route->reads_body);
  EXPECT_EQ(match.route->handler(Request{}).status, 202);
  EXPECT_EQ(router.match("GET", "/v6/scheduler/").route->handler(Request{}).status, 201);
}

TEST(Router, TrailingSlashIsOptional) {
  const auto router = sample_router();
  EXPECT_EQ(router.match("GET", "/v6/scheduler").outcome, Router::Outcome::Found);
  EXPECT_EQ(router.match("GET", "/ping/").outcome, Router::Outcome::Found);
  EXPECT_EQ(router.match("GET", "/ping//").outcome, Router::Outcome::NotFound);
}

TEST(Router, UnknownPathIsNotFound) {
  const auto router = sample_router();
  EXPECT_EQ(router.match("GET", "/v6/nothing/").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(router.match("GET", "/").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(router.match("GET", "").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(router.match("GET", "/v6/scheduler/extra").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(router.match("GET", "/V6/SCHEDULER/").outcome, Router::Outcome::NotFound);
}

TEST(Router, KnownPathWrongMethodListsAllowedMethods) {
  const auto router = sample_router();
  auto match = router.match("DELETE", "/v6/scheduler/");
  EXPECT_EQ(match.outcome, Router::Outcome::MethodNotAllowed);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allow, "GET, PATCH");
  match = router.match("get", "/ping");  // methods are case-sensitive (RFC 9110)
  EXPECT_EQ(match.outcome, Router::Outcome::MethodNotAllowed);
  EXPECT_EQ(match.allow, "GET");
}

TEST(Router, ALiteralPathWinsOverAPattern) {
  Router router;
  router.add({"GET", "/v6/jobs/{id}/", false, answer(200)});
  router.add({"PATCH", "/v6/jobs/{id}/", true, answer(201)});
  router.add({"POST", "/v6/jobs/cancel/", true, answer(202)});
  EXPECT_EQ(router.match("POST", "/v6/jobs/cancel/").route->handler(Request{}).status, 202);
  auto match = router.match("GET", "/v6/jobs/cancel/");
  EXPECT_EQ(match.outcome, Router::Outcome::MethodNotAllowed);
  EXPECT_EQ(match.allow, "POST");
  EXPECT_EQ(router.match("GET", "/v6/jobs/7/").route->handler(Request{}).status, 200);
  EXPECT_EQ(router.match("POST", "/v6/jobs/7/").allow, "GET, PATCH");
}

TEST(Router, RejectsDuplicateRoutes) {
  Router router;
  router.add({"GET", "/ping", false, answer(200)});
  EXPECT_THROW(router.add({"GET", "/ping/", false, answer(200)}), std::logic_error);
  EXPECT_NO_THROW(router.add({"POST", "/ping", false, answer(200)}));
}

}  // namespace
}  // namespace scale::api
