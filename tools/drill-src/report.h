#pragma once

#include <string>
#include <utility>
#include <vector>

#include "audit.h"
#include "faults.h"
#include "load.h"
#include "options.h"
#include "watch.h"

// The drill's result: per-fault records, the per-kind summary table, the audit and every
// violation, as text for people and as JSON for scripts.
namespace scale::drill {

struct Report {
  Options options;
  int session_timeout_ms = 0;
  bool netns = false;
  bool real_mesos = false;
  double duration_s = 0;
  bool interrupted = false;
  std::vector<FaultRecord> faults;
  LoadStats load;
  std::vector<std::pair<std::string, StatusCounts>> status;  // per replica
  AuditResult audit;
  std::vector<Violation> violations;
};

std::string text_report(const Report& report);
std::string json_report(const Report& report);
// One progress line for a fault, as it ends.
std::string fault_line(const FaultRecord& rec, int total);

}  // namespace scale::drill
