#pragma once

#include <optional>
#include <string>
#include <vector>

// Command line of tools/drill (scale-drill): parsed and validated here, without side effects, so
// a bad argument is reported before anything touches the cluster.
namespace scale::drill {

enum class FaultKind {
  Kill,
  Stop,
  Partition,
  ZkLeader,
  ZkQuorum,
  PgRestart,
  PgPromote,
  MesosFailover,
  AgentLoss
};

// Every kind, in the order `--kinds all` cycles through them.
const std::vector<FaultKind>& all_kinds();
const char* kind_name(FaultKind kind);
std::optional<FaultKind> kind_from_name(const std::string& name);

struct Options {
  int faults = 0;
  std::vector<FaultKind> kinds;      // cycled in this order: fault i is kinds[i % kinds.size()]
  double rate = 5;                   // jobs submitted per second through HAProxy; 0 = no load
  bool json = false;                 // the report as JSON on stdout (progress stays on stderr)
  int recover_s = 60;                // per fault: how long the cluster may take to settle
  int drain_s = 60;                  // after the last fault: how long to wait for jobs to finish
  double fresh_s = 12;               // a 200 from /v6/status/ with an older document is a violation
  int gap_ms = 1000;                 // quiet time after the cluster settled, before the next fault
  std::string job_command = "true";  // what each load job runs (the emulator ignores it)
  std::string root;                  // the source tree (for tools/cluster); set by the wrapper
  std::string run_dir;               // the cluster's SCALE_RUN_DIR; default <root>/run/cluster
  bool help = false;
};

struct ParseResult {
  Options options;
  std::string error;  // empty when the arguments are valid
};

ParseResult parse_options(const std::vector<std::string>& args);
std::string usage();

}  // namespace scale::drill
