#include <gtest/gtest.h>

#include <regex>

#include "db/fence.h"
#include "db/framework_store.h"
#include "db/scheduler_settings_store.h"
#include "db/status_store.h"
#include "tests/integration/db/db_test_env.h"

namespace scale::db {
namespace {

using std::chrono::milliseconds;
using testing::migrated_database;

// Waits (bounded) for one notification on a channel the connection LISTENs to.
std::optional<Notification> next_notification(Connection& listener) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<Notification> got = listener.wait_notifications(milliseconds(250));
    if (!got.empty()) return got.front();
  }
  return std::nullopt;
}

TEST(SchedulerSettingsStore, DefaultsMatchScale) {
  Connection conn(migrated_database());
  SchedulerSettings s = SchedulerSettingsStore::get(conn);
  EXPECT_FALSE(s.is_paused);
  EXPECT_EQ(s.num_message_handlers, 1);
  EXPECT_EQ(s.system_logging_level, "INFO");
  EXPECT_EQ(s.queue_mode, "FIFO");
}

TEST(SchedulerSettingsStore, PatchChangesOnlyTheSetFieldsAndNotifies) {
  const std::string db = migrated_database();
  Connection conn(db);
  Connection listener(db);
  listener.listen("scale_settings");

  SchedulerSettingsPatch patch;
  patch.queue_mode = "lifo";
  patch.num_message_handlers = 4;
  SchedulerSettings s = SchedulerSettingsStore::patch(conn, patch);
  EXPECT_EQ(s.queue_mode, "LIFO");  // stored upper case
  EXPECT_EQ(s.num_message_handlers, 4);
  EXPECT_FALSE(s.is_paused);
  EXPECT_EQ(s.system_logging_level, "INFO");
  EXPECT_TRUE(next_notification(listener)) << "no NOTIFY on scale_settings";

  SchedulerSettingsPatch pause;
  pause.is_paused = true;
  pause.system_logging_level = "DEBUG";
  SchedulerSettingsStore::patch(conn, pause);
  s = SchedulerSettingsStore::get(conn);
  EXPECT_TRUE(s.is_paused);
  EXPECT_EQ(s.system_logging_level, "DEBUG");
  EXPECT_EQ(s.queue_mode, "LIFO");
  EXPECT_EQ(s.num_message_handlers, 4);
}

TEST(SchedulerSettingsStore, EmptyPatchReadsAndBadValuesAreRefused) {
  Connection conn(migrated_database());
  SchedulerSettingsPatch none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(SchedulerSettingsStore::patch(conn, none).queue_mode, "FIFO");

  SchedulerSettingsPatch bad;
  bad.is_paused = true;
  bad.system_logging_level = "LOUD; DROP TABLE scheduler";
  try {
    SchedulerSettingsStore::patch(conn, bad);
    FAIL() << "a bad logging level was stored";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "23514") << e.what();  // check_violation
  }
  SchedulerSettingsPatch negative;
  negative.num_message_handlers = -1;
  EXPECT_THROW(SchedulerSettingsStore::patch(conn, negative), Error);
  EXPECT_FALSE(SchedulerSettingsStore::get(conn).is_paused);  // nothing half-applied
}

TEST(StatusStore, WriteThenReadWithServerComputedAge) {
  const std::string db = migrated_database();
  Connection conn(db);
  Connection listener(db);
  listener.listen("scale_status");
  EXPECT_EQ(StatusStore::read(conn), std::nullopt);
  ASSERT_TRUE(Fence::promote(conn, {3, "r3", "http://r3", ""}));

  StatusStore::write(conn, 3, R"({"scheduler": {"state": {"name": "READY"}}, "num_offers": 2})");
  std::optional<Notification> n = next_notification(listener);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->payload, "3");  // the writer's epoch

  std::optional<StoredStatus> status = StatusStore::read(conn);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->epoch, 3);
  EXPECT_NE(status->document.find(R"("name": "READY")"), std::string::npos) << status->document;
  EXPECT_GE(status->age_seconds, 0.0);
  EXPECT_LT(status->age_seconds, 5.0);
  EXPECT_TRUE(
      std::regex_match(status->updated_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << status->updated_at;

  // Age an existing document on the server instead of sleeping.
  conn.exec("UPDATE scheduler_status SET updated_at = now() - interval '30 seconds'");
  status = StatusStore::read(conn);
  EXPECT_NEAR(status->age_seconds, 30.0, 2.0);

  StatusStore::write(conn, 3, R"({"num_offers": 5})");
  status = StatusStore::read(conn);
  EXPECT_EQ(status->document, R"({"num_offers": 5})");
  EXPECT_LT(status->age_seconds, 5.0);
  EXPECT_THROW(StatusStore::write(conn, 3, "not json"), Error);
}

TEST(FrameworkStore, SetReplacesTheOneRow) {
  Connection conn(migrated_database());
  EXPECT_EQ(FrameworkStore::get(conn), std::nullopt);
  ASSERT_TRUE(Fence::promote(conn, {9, "r9", "http://r9", ""}));
  FrameworkStore::set(conn, 9, {"fw-1", "http://master:5050"});
  FrameworkStore::set(conn, 9, {"fw-2", "http://master2:5050"});
  std::optional<FrameworkRecord> fw = FrameworkStore::get(conn);
  ASSERT_TRUE(fw);
  EXPECT_EQ(fw->framework_id, "fw-2");
  EXPECT_EQ(fw->master, "http://master2:5050");
  EXPECT_EQ(conn.exec("SELECT count(*), max(epoch) FROM framework").integer(0, 1), 9);
}

}  // namespace
}  // namespace scale::db
