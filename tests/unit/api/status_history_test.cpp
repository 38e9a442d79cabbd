// The in-memory history behind GET /v6/status/history/: one sample per interval, the oldest
// dropped when full, unknown values as null, rates read from a status document.
#include "api/status_history.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace scale::api {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;
using System = std::chrono::system_clock;

HistorySample at_ms(long long ms, std::optional<long long> queued = std::nullopt) {
  HistorySample sample;
  sample.at = System::time_point(std::chrono::milliseconds(ms));
  sample.queued = queued;
  return sample;
}

TEST(StatusHistory, DueOncePerInterval) {
  StatusHistory history(10, 5s);
  const auto t0 = Steady::now();
  EXPECT_TRUE(history.due(t0));
  history.add(t0, at_ms(1));
  EXPECT_FALSE(history.due(t0 + 4999ms));
  EXPECT_TRUE(history.due(t0 + 5s));
}

TEST(StatusHistory, KeepsTheNewestSamplesOldestFirst) {
  StatusHistory history(3, 1s);
  const auto t0 = Steady::now();
  for (int i = 0; i < 5; ++i) history.add(t0 + std::chrono::seconds(i), at_ms(1000 * i, i));
  const auto samples = history.samples();
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(*samples[0].queued, 2);
  EXPECT_EQ(*samples[1].queued, 3);
  EXPECT_EQ(*samples[2].queued, 4);
  // One more wraps again and keeps the order.
  history.add(t0 + 5s, at_ms(5000, 5));
  const auto later = history.samples();
  EXPECT_EQ(*later[0].queued, 3);
  EXPECT_EQ(*later[2].queued, 5);
}

TEST(StatusHistory, DefaultHoldsFifteenMinutes) {
  const StatusHistory history;
  const auto json = history.to_json(System::now());
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_TRUE(doc.IsObject()) << json;
  EXPECT_EQ(doc["interval_s"].GetDouble() * doc["capacity"].GetDouble(), 15 * 60.0);
  EXPECT_EQ(doc["samples"].Size(), 0u);
}

TEST(StatusHistory, JsonHasTimesAndNullsForUnknownValues) {
  StatusHistory history(4, 1s);
  HistorySample known = at_ms(1764000000123, 7);
  known.running = 2;
  known.jobs_launched_per_sec = 1.5;
  known.jobs_finished_per_sec = 0.25;
  known.task_updates_per_sec = 3;
  history.add(Steady::now(), known);
  history.add(Steady::now() + 1s, at_ms(1764000005123));  // nothing known: database down
  const auto json = history.to_json(System::time_point(std::chrono::milliseconds(1764000006000)));
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_TRUE(doc.IsObject()) << json;
  EXPECT_EQ(doc["now_ms"].GetInt64(), 1764000006000);
  const auto& samples = doc["samples"];
  ASSERT_EQ(samples.Size(), 2u);
  EXPECT_EQ(samples[0]["time_ms"].GetInt64(), 1764000000123);
  EXPECT_DOUBLE_EQ(samples[0]["jobs_launched_per_sec"].GetDouble(), 1.5);
  EXPECT_DOUBLE_EQ(samples[0]["jobs_finished_per_sec"].GetDouble(), 0.25);
  EXPECT_DOUBLE_EQ(samples[0]["task_updates_per_sec"].GetDouble(), 3);
  EXPECT_EQ(samples[0]["queued"].GetInt64(), 7);
  EXPECT_EQ(samples[0]["running"].GetInt64(), 2);
  for (const char* key : {"jobs_launched_per_sec", "jobs_finished_per_sec", "task_updates_per_sec",
                          "queued", "running"}) {
    EXPECT_TRUE(samples[1][key].IsNull()) << key;
  }
}

TEST(StatusHistory, SampleReadsTheRatesOfAStatusDocument) {
  const auto at = System::now();
  const auto sample = sample_from_status(
      R"({"timestamp":"t","scheduler":{"metrics":{"jobs_launched_per_sec":4.5,
          "jobs_finished_per_sec":4,"task_updates_per_sec":12.25,"new_offers_per_sec":1}}})",
      at);
  EXPECT_EQ(sample.at, at);
  EXPECT_DOUBLE_EQ(*sample.jobs_launched_per_sec, 4.5);
  EXPECT_DOUBLE_EQ(*sample.jobs_finished_per_sec, 4);
  EXPECT_DOUBLE_EQ(*sample.task_updates_per_sec, 12.25);
  EXPECT_FALSE(sample.queued);
}

TEST(StatusHistory, SampleOfAnUnusableDocumentKnowsNothing) {
  for (const char* text : {"", "not json", "[]", R"({"scheduler":3})", R"({"scheduler":{}})",
                           R"({"scheduler":{"metrics":{"jobs_launched_per_sec":"fast"}}})"}) {
    const auto sample = sample_from_status(text, System::now());
    EXPECT_FALSE(sample.jobs_launched_per_sec) << text;
    EXPECT_FALSE(sample.jobs_finished_per_sec) << text;
    EXPECT_FALSE(sample.task_updates_per_sec) << text;
  }
}

}  // namespace
}  // namespace scale::api
