#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "api/server.h"
#include "db/connection.h"
#include "tests/support/http_test_client.h"
#include "tests/support/servers.h"

namespace scale::api::testing {

using scale::test::HttpResult;
using scale::test::HttpTestClient;
using scale::test::raw_exchange;
using scale::test::raw_status;

using namespace std::chrono_literals;

// A response body as JSON; a body that does not parse fails the test.
inline rapidjson::Document parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  EXPECT_FALSE(doc.HasParseError()) << body;
  return doc;
}

// A running api::Server on a free port over a fresh, migrated database of a real PostgreSQL, with
// a leadership view the test sets. Tests share one PostgreSQL server (each gets its own
// database); a test that stops PostgreSQL brings its own through start_on().
class ApiTest : public ::testing::Test {
 protected:
  static scale::test::PostgresServer& shared_postgres();

  void SetUp() override {}
  void TearDown() override;

  // Creates the database and starts the server. `tweak` may change the options first.
  void start_on(scale::test::PostgresServer& postgres,
                const std::function<void(ServerOptions&)>& tweak = {}) {
    prepare_database(postgres);
    start_server(tweak);
  }
  void prepare_database(scale::test::PostgresServer& postgres);  // fresh, migrated
  void start_server(const std::function<void(ServerOptions&)>& tweak = {});
  void start(const std::function<void(ServerOptions&)>& tweak = {}) {
    start_on(shared_postgres(), tweak);
  }

  void set_view(Role role, std::optional<std::string> zk_leader);

  HttpResult get(const std::string& path) { return client_->get(path); }
  HttpResult patch(const std::string& path, const std::string& body) {
    return client_->patch(path, body);
  }
  HttpResult call(const std::string& method, const std::string& path,
                  const std::optional<std::string>& body = std::nullopt) {
    return client_->call(method, path, body);
  }
  // POST /v6/jobs/ with `body`: expects 201 and returns the new job's id.
  long long submit_job(const std::string& body);
  // Polls `path` until it answers `status` (true) or `timeout` passes (false).
  bool wait_for_status(const std::string& path, int status, std::chrono::milliseconds timeout = 5s);

  // Direct SQL for setting up and checking state, on a connection of the test's own.
  db::Connection& sql();
  // Raises the fence to `epoch` for `replica_id` (as a promotion does).
  void promote(const std::string& replica_id, long long epoch);
  // Writes the status document as the leader of `epoch` does (fenced, NOTIFYing).
  void write_status(long long epoch, const std::string& document);

  ServerOptions options_;
  std::string conninfo_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<HttpTestClient> client_;

 private:
  std::unique_ptr<db::Connection> sql_;
  std::mutex view_mutex_;
  LocalView view_;
};

// True when two JSON texts hold the same value, whatever their whitespace and key order.
bool same_json(const std::string& a, const std::string& b);

}  // namespace scale::api::testing
