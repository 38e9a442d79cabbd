#include "api/job_action_body.h"

#include <gtest/gtest.h>

namespace scale::api {
namespace {

TEST(JobActionBody, AcceptsEveryFilterOfACancel) {
  const auto result = parse_bulk_action(
      db::BulkKind::Cancel,
      R"({"job_ids": [3, 1, 3], "status": "queued", "started": "2026-01-01T00:00:00Z",)"
      R"( "ended": "2026-01-02T00:00:00.5+02:00"})");
  ASSERT_TRUE(result.request) << result.error;
  const auto& f = result.request->filters;
  EXPECT_EQ(*f.job_ids, (std::vector<long long>{1, 3}));
  EXPECT_EQ(*f.status, "QUEUED");
  EXPECT_EQ(*f.started, "2026-01-01T00:00:00Z");
  EXPECT_EQ(*f.ended, "2026-01-02T00:00:00.5+02:00");
  EXPECT_FALSE(result.request->priority);
}

TEST(JobActionBody, ARequeueTakesAPriority) {
  const auto result =
      parse_bulk_action(db::BulkKind::Requeue, R"({"status": "FAILED", "priority": 0})");
  ASSERT_TRUE(result.request) << result.error;
  EXPECT_EQ(result.request->priority, 0);
  EXPECT_EQ(result.request->kind, db::BulkKind::Requeue);
}

TEST(JobActionBody, RejectsInvalidBodiesNamingTheField) {
  using db::BulkKind;
  const std::vector<std::tuple<BulkKind, std::string, std::string>> cases = {
      {BulkKind::Cancel, "", "malformed JSON"},
      {BulkKind::Cancel, "[]", "must be a JSON object"},
      {BulkKind::Cancel, "{}", "at least one filter is required"},
      {BulkKind::Requeue, R"({"priority": 5})", "at least one filter is required"},
      {BulkKind::Cancel, R"({"job_ids": []})", "job_ids must be a non-empty list"},
      {BulkKind::Cancel, R"({"job_ids": [0]})", "job_ids must be"},
      {BulkKind::Cancel, R"({"job_ids": ["1"]})", "job_ids must be"},
      {BulkKind::Cancel, R"({"job_ids": 1})", "job_ids must be"},
      {BulkKind::Cancel, R"({"status": 1})", "status must be a string"},
      {BulkKind::Cancel, R"({"status": "FAILED"})", "status must be QUEUED or RUNNING"},
      {BulkKind::Requeue, R"({"status": "RUNNING"})", "status must be FAILED or CANCELED"},
      {BulkKind::Requeue, R"({"status": "BOGUS"})", "status must be FAILED or CANCELED"},
      {BulkKind::Cancel, R"({"started": "yesterday"})", "started must be an ISO-8601 datetime"},
      {BulkKind::Cancel, R"({"ended": "2026-01-01T00:00:00"})", "ended must be an ISO-8601"},
      {BulkKind::Cancel, R"({"ended": "2026-02-30T00:00:00Z"})", "ended must be an ISO-8601"},
      {BulkKind::Cancel, R"({"started": 5})", "started must be an ISO-8601"},
      {BulkKind::Cancel, R"({"started": "2026-01-02T00:00:00Z", "ended": "2026-01-01T00:00:00Z"})",
       "started must not be after ended"},
      {BulkKind::Requeue, R"({"status": "FAILED", "priority": -1})", "priority must be"},
      {BulkKind::Requeue, R"({"status": "FAILED", "priority": 1.5})", "priority must be"},
      {BulkKind::Cancel, R"({"status": "QUEUED", "priority": 1})", "unknown field \"priority\""},
      {BulkKind::Requeue, R"({"job_type_ids": [1]})", "unknown field \"job_type_ids\""},
      {BulkKind::Cancel, R"({"status": "QUEUED", "status": "RUNNING"})", "appears more than once"},
  };
  for (const auto& [kind, body, expected] : cases) {
    const auto result = parse_bulk_action(kind, body);
    EXPECT_FALSE(result.request) << body;
    EXPECT_NE(result.error.find(expected), std::string::npos) << body << " -> " << result.error;
  }
}

TEST(JobActionBody, PriorityPatch) {
  EXPECT_EQ(parse_priority_patch(R"({"priority": 7})").priority, 7);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "no fields to update"},
      {R"({"priority": "7"})", "priority must be an integer >= 0"},
      {R"({"priority": -3})", "priority must be an integer >= 0"},
      {R"({"priority": 1, "name": "x"})", "unknown field \"name\""},
      {"nope", "malformed JSON"},
  };
  for (const auto& [body, expected] : cases) {
    const auto result = parse_priority_patch(body);
    EXPECT_FALSE(result.priority) << body;
    EXPECT_NE(result.error.find(expected), std::string::npos) << body << " -> " << result.error;
  }
}

TEST(JobActionBody, IsoDatetimes) {
  EXPECT_EQ(parse_iso_datetime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso_datetime("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(parse_iso_datetime("1970-01-01T00:00:01.25Z"), 1250000);
  EXPECT_EQ(parse_iso_datetime("2000-03-01T00:00:00Z"), 951868800LL * 1000000);
  EXPECT_TRUE(parse_iso_datetime("2024-02-29T23:59:59-05:30"));
  for (const char* bad :
       {"2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01 00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+0100", "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00Zjunk", "2026-01-01t00:00:00Z", "2026-01-01T00:00:00+16:00", ""}) {
    EXPECT_FALSE(parse_iso_datetime(bad)) << bad;
  }
}

}  // namespace
}  // namespace scale::api
