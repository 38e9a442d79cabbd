#include "report_summary.h"

#include <algorithm>
#include <optional>

namespace scale::drill {
namespace {

Spread spread(std::vector<double> v) {
  Spread s;
  s.n = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  s.worst = v.back();
  return s;
}

std::vector<double> values(const std::vector<const FaultRecord*>& recs,
                           std::optional<double> FaultRecord::*field) {
  std::vector<double> out;
  for (const auto* r : recs) {
    if (r->*field) out.push_back(*(r->*field));
  }
  return out;
}

}  // namespace

std::vector<KindSummary> summarize(const Report& report) {
  std::vector<KindSummary> out;
  for (FaultKind kind : report.options.kinds) {
    KindSummary k{kind, {}, 0, 0, {}, {}, {}, {}};
    for (const auto& r : report.faults) {
      if (r.kind != kind) continue;
      k.recs.push_back(&r);
      if (r.settled) ++k.settled;
      if (r.leader_ms && r.epoch_after != r.epoch_before) ++k.new_term;
    }
    if (k.recs.empty()) continue;
    k.leader = spread(values(k.recs, &FaultRecord::leader_ms));
    k.status = spread(values(k.recs, &FaultRecord::status_ms));
    k.launch = spread(values(k.recs, &FaultRecord::launch_ms));
    k.rejoin = spread(values(k.recs, &FaultRecord::rejoin_ms));
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace scale::drill
