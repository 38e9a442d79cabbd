#include "api_test_fixture.h"

#include <rapidjson/document.h>
#include <unistd.h>

#include <atomic>

#include "db/fence.h"
#include "db/migrations.h"
#include "db/status_store.h"

namespace scale::api::testing {

scale::test::PostgresServer& ApiTest::shared_postgres() {
  static scale::test::PostgresServer postgres;
  return postgres;
}

void ApiTest::prepare_database(scale::test::PostgresServer& postgres) {
  static std::atomic<int> counter{0};
  conninfo_ = postgres.create_database("api_test_" + std::to_string(getpid()) + "_" +
                                       std::to_string(counter++));
  db::Connection conn(conninfo_);
  db::migrate(conn);
}

void ApiTest::start_server(const std::function<void(ServerOptions&)>& tweak) {
  options_.port = scale::test::free_port();
  options_.replica_id = "replica-a";
  options_.version = "9.8.7-test";
  options_.cache_refresh = 50ms;
  options_.max_body_bytes = 4096;
  if (tweak) tweak(options_);
  pool_ = std::make_unique<db::Pool>(conninfo_, 2);
  server_ = std::make_unique<Server>(options_, *pool_, [this] {
    std::lock_guard lock(view_mutex_);
    return view_;
  });
  server_->start();
  client_ = std::make_unique<HttpTestClient>(options_.port);
}

void ApiTest::TearDown() {
  client_.reset();
  if (server_) server_->stop();
  server_.reset();
  pool_.reset();
  sql_.reset();
}

void ApiTest::set_view(Role role, std::optional<std::string> zk_leader) {
  std::lock_guard lock(view_mutex_);
  view_ = LocalView{role, std::move(zk_leader)};
}

long long ApiTest::submit_job(const std::string& body) {
  const auto response = call("POST", "/v6/jobs/", body);
  EXPECT_EQ(response.status, 201) << response.body;
  const auto job = parse(response.body);
  return job.IsObject() && job.HasMember("id") ? job["id"].GetInt64() : -1;
}

bool ApiTest::wait_for_status(const std::string& path, int status,
                              std::chrono::milliseconds timeout) {
  return scale::test::wait_until([&] { return get(path).status == status; }, timeout);
}

db::Connection& ApiTest::sql() {
  if (!sql_) sql_ = std::make_unique<db::Connection>(conninfo_);
  return *sql_;
}

void ApiTest::promote(const std::string& replica_id, long long epoch) {
  ASSERT_TRUE(db::Fence::promote(
      sql(), db::LeaderRecord{epoch, replica_id, "http://127.0.0.1:1/" + replica_id, ""}));
}

void ApiTest::write_status(long long epoch, const std::string& document) {
  db::StatusStore::write(sql(), epoch, document);
}

bool same_json(const std::string& a, const std::string& b) {
  rapidjson::Document da;
  rapidjson::Document db;
  da.Parse(a.c_str());
  db.Parse(b.c_str());
  return !da.HasParseError() && !db.HasParseError() && da == db;
}

}  // namespace scale::api::testing
