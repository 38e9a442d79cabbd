#pragma once

#include <cstddef>
#include <vector>

#include "report.h"

// The per-kind summary both reports print: how many faults of each kind settled, and the
// median and worst of each time measured.
namespace scale::drill {

struct Spread {
  size_t n = 0;
  double median = 0, worst = 0;
};

struct KindSummary {
  FaultKind kind;
  std::vector<const FaultRecord*> recs;
  size_t settled = 0, new_term = 0;
  Spread leader, status, launch, rejoin;
};

std::vector<KindSummary> summarize(const Report& report);

}  // namespace scale::drill
