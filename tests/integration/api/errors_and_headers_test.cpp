// Error answers, replica headers and hostile input, over HTTP.
#include <thread>

#include "api_test_fixture.h"

namespace scale::api::testing {
namespace {

class ErrorsAndHeaders : public ApiTest {
 protected:
  void SetUp() override { start(); }
};

void expect_replica_headers(const HttpResult& response, const std::string& leader) {
  EXPECT_EQ(response.header("X-Scale-Replica"), "replica-a");
  EXPECT_EQ(response.header("X-Scale-Leader"), leader);
  EXPECT_EQ(response.header("Content-Type"), "application/json");
}

TEST_F(ErrorsAndHeaders, UnknownPathIs404Json) {
  // "/" is no longer unknown: it redirects to the console (console_endpoint_test.cpp).
  for (const char* path : {"/v6/", "/v6/statuses/", "/v5/status/", "/v6/status/x"}) {
    const auto response = get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_NE(response.body.find("\"detail\":\"not found"), std::string::npos) << response.body;
    expect_replica_headers(response, "none");
  }
}

TEST_F(ErrorsAndHeaders, WrongMethodIs405WithAllow) {
  auto response = call("DELETE", "/v6/scheduler/");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("Allow"), "GET, PATCH");
  EXPECT_NE(response.body.find("\"detail\""), std::string::npos);
  expect_replica_headers(response, "none");
  response = call("POST", "/v6/status/", "{}");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("Allow"), "GET");
  EXPECT_EQ(call("PATCH", "/ping", "{}").status, 405);
}

TEST_F(ErrorsAndHeaders, EveryAnswerNamesReplicaAndLeader) {
  set_view(Role::Follower, "replica-b");
  for (const char* path : {"/ping", "/v6/version/", "/v6/status/", "/v6/scheduler/", "/v6/leader/",
                           "/leaderhealth", "/healthz", "/nowhere"}) {
    SCOPED_TRACE(path);
    expect_replica_headers(get(path), "replica-b");
  }
  expect_replica_headers(patch("/v6/scheduler/", "{"), "replica-b");
  set_view(Role::Leader, "replica-a");
  expect_replica_headers(get("/ping"), "replica-a");
  set_view(Role::Unknown, std::nullopt);
  expect_replica_headers(get("/ping"), "none");
}

TEST_F(ErrorsAndHeaders, TrailingSlashAndQueryStringAreTolerated) {
  EXPECT_EQ(get("/v6/version").status, 200);
  EXPECT_EQ(get("/ping/").status, 200);
  EXPECT_EQ(get("/v6/version/?format=json").status, 200);
}

TEST_F(ErrorsAndHeaders, HostileRequestsDoNotHurtTheServer) {
  const std::vector<std::string> junk = {
      std::string("\x00\x01\x02\xff\xfe garbage\r\n\r\n", 17),
      "GET\r\n\r\n",
      "GET /ping HTTP/1.1\r\nBroken header line\r\n\r\n",
      "PATCH /v6/scheduler/ HTTP/1.1\r\nContent-Length: 5\r\nConnection: "
      "close\r\n\r\n{\"is",  // cut
      "PATCH /v6/scheduler/ HTTP/1.1\r\nContent-Length: 999999999999\r\nConnection: "
      "close\r\n\r\n{}",
      "PATCH /v6/scheduler/ HTTP/1.1\r\nContent-Length: banana\r\nConnection: "
      "close\r\n\r\n",
      "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET /%ff%00%2e%2e/ HTTP/1.1\r\nConnection: close\r\n\r\n",
      std::string("PATCH /v6/scheduler/ HTTP/1.1\r\nContent-Length: 4\r\nConnection: close\r\n\r\n"
                  "\xff\xfe\x00{",
                  75),
  };
  for (const auto& request : junk) raw_exchange(options_.port, request, 2s);
  // Deeply nested JSON within the size limit.
  EXPECT_EQ(patch("/v6/scheduler/", std::string(4000, '[')).status, 400);
  EXPECT_EQ(get("/ping").status, 200);
  EXPECT_EQ(get("/v6/scheduler/").status, 200);
}

TEST_F(ErrorsAndHeaders, ConcurrentReadsAndWritesAllAnswer) {
  constexpr int kThreads = 8;
  constexpr int kRequests = 40;
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpTestClient client(options_.port);
      for (int i = 0; i < kRequests; ++i) {
        const auto response =
            (i % 4 == 0) ? client.patch("/v6/scheduler/", t % 2 ? R"({"queue_mode": "LIFO"})"
                                                                : R"({"queue_mode": "FIFO"})")
                         : client.get(i % 2 ? "/v6/scheduler/" : "/v6/status/");
        if (response.status == 200 || response.status == 503) ++answered;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(answered.load(), kThreads * kRequests);
}

}  // namespace
}  // namespace scale::api::testing
