#include "api/promotion_metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace scale::api {
namespace {

// A status document with the given JSON array as cluster.terms.
std::string document_with_terms(const std::string& terms) {
  return R"({"timestamp":"2026-12-02T04:00:00.000Z","cluster":{"epoch":8,"terms":)" + terms + "}}";
}

const std::string kTwoTerms = R"([
  {"epoch":8,"replica_id":"replica-2","started":"x","ended":null,"end_reason":null,
   "steps":[{"name":"elected","ms":0},{"name":"fenced","ms":12},{"name":"state_loaded","ms":40}]},
  {"epoch":7,"replica_id":"replica-1","started":"x","ended":"y","end_reason":"superseded",
   "steps":[{"name":"elected","ms":0},{"name":"fenced","ms":5}]}])";

TEST(StepDurations, EachStepTakesTheTimeSinceTheStepBefore) {
  const auto steps = step_durations(document_with_terms(kTwoTerms));
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].epoch, 8);
  EXPECT_EQ(steps[0].name, "elected");
  EXPECT_DOUBLE_EQ(steps[0].seconds, 0.0);
  EXPECT_EQ(steps[1].name, "fenced");
  EXPECT_DOUBLE_EQ(steps[1].seconds, 0.012);
  EXPECT_EQ(steps[2].name, "state_loaded");
  EXPECT_DOUBLE_EQ(steps[2].seconds, 0.028);
  EXPECT_EQ(steps[4].epoch, 7);
  EXPECT_DOUBLE_EQ(steps[4].seconds, 0.005);
}

TEST(StepDurations, StepsOutOfOrderAreSortedByTheirTime) {
  const auto steps = step_durations(document_with_terms(
      R"([{"epoch":3,"steps":[{"name":"fenced","ms":30},{"name":"elected","ms":0}]}])"));
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].name, "elected");
  EXPECT_DOUBLE_EQ(steps[1].seconds, 0.030);
}

TEST(StepDurations, NothingFromTextThatIsNoDocumentWithTerms) {
  EXPECT_TRUE(step_durations("not json").empty());
  EXPECT_TRUE(step_durations(R"({"cluster":{}})").empty());
  EXPECT_TRUE(step_durations(R"({"cluster":{"terms":{}}})").empty());
  EXPECT_TRUE(step_durations(document_with_terms(R"([{"epoch":"x","steps":[]},7])")).empty());
  EXPECT_TRUE(
      step_durations(document_with_terms(R"([{"epoch":1,"steps":[{"name":1,"ms":2}]}])")).empty());
}

TEST(PromotionMetrics, CountsEachStepOnceAcrossDocuments) {
  PromotionMetrics metrics;
  metrics.observe(document_with_terms(kTwoTerms));
  metrics.observe(document_with_terms(kTwoTerms));
  const std::string text = metrics.render();
  EXPECT_NE(text.find("# TYPE scale_promotion_step_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("scale_promotion_step_seconds_count{step=\"elected\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("scale_promotion_step_seconds_count{step=\"fenced\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("scale_promotion_step_seconds_count{step=\"state_loaded\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("scale_promotion_step_seconds_bucket{step=\"fenced\",le=\"0.005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("scale_promotion_step_seconds_bucket{step=\"fenced\",le=\"0.025\"} 2\n"),
            std::string::npos);
}

TEST(PromotionMetrics, AStepAddedLaterToAnOpenTermIsCountedThen) {
  PromotionMetrics metrics;
  metrics.observe(document_with_terms(R"([{"epoch":4,"steps":[{"name":"elected","ms":0}]}])"));
  metrics.observe(document_with_terms(
      R"([{"epoch":4,"steps":[{"name":"elected","ms":0},{"name":"subscribed","ms":900}]}])"));
  const std::string text = metrics.render();
  EXPECT_NE(text.find("scale_promotion_step_seconds_count{step=\"elected\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("scale_promotion_step_seconds_sum{step=\"subscribed\"} 0.9\n"),
            std::string::npos);
}

TEST(PromotionMetrics, NoSeriesBeforeAnyTerm) {
  PromotionMetrics metrics;
  metrics.observe("{}");
  EXPECT_EQ(metrics.render().find("scale_promotion_step_seconds_count"), std::string::npos);
}

}  // namespace
}  // namespace scale::api
