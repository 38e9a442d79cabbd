#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/prometheus_text.h"

// The promotion steps of every term of leadership as /metrics histograms, derived from the term
// history the status document carries (cluster.terms: each step's ms since the election win), so
// any replica, leader or not, exposes them without reaching into the leader.
namespace scale::api {

// One completed promotion step of one term: how long it took after the step before it.
struct StepDuration {
  long long epoch = 0;
  std::string name;
  double seconds = 0;
};

// Every step of every term in `document`'s cluster.terms, each term's steps in the order they
// completed ("elected" takes 0 s). Empty when the text is not a status document with terms.
std::vector<StepDuration> step_durations(std::string_view document);

class PromotionMetrics {
 public:
  // Counts each step not counted before (by epoch and name): a term's steps appear one by one as
  // the leader completes them, and the same term is in every document for 20 terms.
  void observe(std::string_view document);
  // scale_promotion_step_seconds{step="..."}: one histogram series per step name seen.
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, prometheus::Histogram> steps_;  // guarded by mutex_
  std::set<std::pair<long long, std::string>> seen_;    // guarded by mutex_
};

}  // namespace scale::api
