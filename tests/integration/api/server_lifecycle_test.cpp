// Starting and stopping api::Server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "api_test_fixture.h"
#include "tests/support/loopback.h"

namespace scale::api::testing {
namespace {

class ServerLifecycle : public ApiTest {};

// A listening socket on 127.0.0.1:port held by the test.
class PortHolder {
 public:
  explicit PortHolder(uint16_t port) : fd_(scale::test::listen_loopback(port, 1)) {}
  ~PortHolder() {
    if (fd_ >= 0) close(fd_);
  }
  bool bound() const { return fd_ >= 0; }

 private:
  int fd_;
};

TEST_F(ServerLifecycle, StartThrowsWhenThePortIsTaken) {
  prepare_database(shared_postgres());
  const uint16_t port = scale::test::free_port();
  PortHolder holder(port);
  ASSERT_TRUE(holder.bound());
  db::Pool pool(conninfo_, 1);
  ServerOptions options;
  options.port = port;
  options.replica_id = "replica-a";
  Server server(options, pool, [] { return LocalView{}; });
  EXPECT_THROW(server.start(), std::runtime_error);
  server.stop();  // harmless after a failed start
}

TEST_F(ServerLifecycle, PortZeroIsRefused) {
  prepare_database(shared_postgres());
  db::Pool pool(conninfo_, 1);
  ServerOptions options;
  options.port = 0;
  Server server(options, pool, [] { return LocalView{}; });
  EXPECT_THROW(server.start(), std::runtime_error);
}

TEST_F(ServerLifecycle, StopClosesThePortAndIsIdempotent) {
  start();
  ASSERT_EQ(get("/ping").status, 200);
  client_.reset();
  server_->stop();
  server_->stop();
  EXPECT_EQ(raw_exchange(options_.port, "GET /ping HTTP/1.1\r\n\r\n", 1s), "");
  // The port is free again: another server can take it.
  server_->start();
  HttpTestClient client(options_.port);
  EXPECT_EQ(client.get("/ping").status, 200);
}

TEST_F(ServerLifecycle, StopWhileRequestsAreRunning) {
  start();
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!done) {
        try {
          HttpTestClient client(options_.port);
          client.patch("/v6/scheduler/", R"({"is_paused": true})");
          client.get("/v6/scheduler/");
        } catch (const std::exception&) {
          // Refused or cut off by the stop: expected.
        }
      }
    });
  }
  std::this_thread::sleep_for(300ms);
  server_->stop();  // must return with no handler still using the pool
  pool_.reset();
  done = true;
  for (auto& thread : threads) thread.join();
}

TEST_F(ServerLifecycle, ViewCallbackThatThrowsCountsAsUnknown) {
  prepare_database(shared_postgres());
  db::Pool pool(conninfo_, 1);
  ServerOptions options;
  options.port = scale::test::free_port();
  options.replica_id = "replica-a";
  Server server(options, pool, []() -> LocalView { throw std::runtime_error("zk gone"); });
  server.start();
  HttpTestClient client(options.port);
  const auto response = client.get("/leaderhealth");
  EXPECT_EQ(response.status, 502);
  EXPECT_EQ(response.header("X-Scale-Leader"), "none");
}

}  // namespace
}  // namespace scale::api::testing
