#include "api/promotion_metrics.h"

#include <rapidjson/document.h>

#include <algorithm>

namespace scale::api {
namespace {

// From 1 ms (a fence commit on an idle database) to 30 s (a reconciliation that waits for
// every agent's answer).
const std::vector<double>& step_buckets_seconds() {
  static const std::vector<double> bounds = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,   1,     2.5,  5,     10,   30};
  return bounds;
}

const rapidjson::Value* terms_of(const rapidjson::Document& parsed) {
  if (!parsed.IsObject() || !parsed.HasMember("cluster")) return nullptr;
  const auto& cluster = parsed["cluster"];
  if (!cluster.IsObject() || !cluster.HasMember("terms") || !cluster["terms"].IsArray()) {
    return nullptr;
  }
  return &cluster["terms"];
}

// The term's steps as (ms since the win, name), in the order they completed.
std::vector<std::pair<double, std::string>> steps_of(const rapidjson::Value& term) {
  std::vector<std::pair<double, std::string>> steps;
  if (!term.HasMember("steps") || !term["steps"].IsArray()) return steps;
  for (const auto& step : term["steps"].GetArray()) {
    if (!step.IsObject() || !step.HasMember("name") || !step["name"].IsString() ||
        !step.HasMember("ms") || !step["ms"].IsNumber()) {
      continue;
    }
    steps.emplace_back(step["ms"].GetDouble(), step["name"].GetString());
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return steps;
}

}  // namespace

std::vector<StepDuration> step_durations(std::string_view document) {
  std::vector<StepDuration> out;
  rapidjson::Document parsed;
  parsed.Parse(document.data(), document.size());
  if (parsed.HasParseError()) return out;
  const auto* terms = terms_of(parsed);
  if (!terms) return out;
  for (const auto& term : terms->GetArray()) {
    if (!term.IsObject() || !term.HasMember("epoch") || !term["epoch"].IsInt64()) continue;
    const long long epoch = term["epoch"].GetInt64();
    double previous_ms = 0;
    for (const auto& [ms, name] : steps_of(term)) {
      out.push_back({epoch, name, std::max(0.0, ms - previous_ms) / 1000.0});
      previous_ms = std::max(previous_ms, ms);
    }
  }
  return out;
}

void PromotionMetrics::observe(std::string_view document) {
  const auto durations = step_durations(document);
  if (durations.empty()) return;
  long long oldest = durations.front().epoch;
  for (const auto& step : durations) oldest = std::min(oldest, step.epoch);
  std::lock_guard lock(mutex_);
  for (const auto& step : durations) {
    if (!seen_.emplace(step.epoch, step.name).second) continue;
    auto it = steps_.try_emplace(step.name, step_buckets_seconds()).first;
    it->second.observe(step.seconds);
  }
  // Terms older than the document's oldest never come back: forget them.
  seen_.erase(seen_.begin(), seen_.lower_bound({oldest, std::string()}));
}

std::string PromotionMetrics::render() const {
  std::string out;
  prometheus::write_family_header(
      out, "scale_promotion_step_seconds", "histogram",
      "Each promotion step of the terms of leadership this replica saw in the term history: time "
      "from the step before (elected, fenced, state_loaded, subscribed, reconciled, "
      "first_launch).");
  std::lock_guard lock(mutex_);
  for (const auto& [name, histogram] : steps_) {
    prometheus::write_histogram(out, "scale_promotion_step_seconds",
                                prometheus::label_set({{"step", name}}), histogram);
  }
  return out;
}

}  // namespace scale::api
