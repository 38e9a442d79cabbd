#include "options.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace scale::drill {
namespace {

constexpr std::pair<FaultKind, const char*> kKinds[] = {
    {FaultKind::Kill, "kill"},
    {FaultKind::Stop, "stop"},
    {FaultKind::Partition, "partition"},
    {FaultKind::ZkLeader, "zk-leader"},
    {FaultKind::ZkQuorum, "zk-quorum"},
    {FaultKind::PgRestart, "pg-restart"},
    {FaultKind::PgPromote, "pg-promote"},
    {FaultKind::MesosFailover, "mesos-failover"},
    {FaultKind::AgentLoss, "agent-loss"},
};

std::optional<long long> parse_int(const std::string& text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string parse_kinds(const std::string& text, std::vector<FaultKind>& out) {
  if (text == "all") {
    out = all_kinds();
    return "";
  }
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string name =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto kind = kind_from_name(name);
    if (!kind) return "--kinds: unknown fault kind '" + name + "'";
    for (FaultKind seen : out) {
      if (seen == *kind) return "--kinds: '" + name + "' is listed twice";
    }
    out.push_back(*kind);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return "";
}

// An argument as given: --name=value is split, and '_' in a flag's name reads as '-'.
struct Arg {
  std::string flag;
  std::optional<std::string> inline_value;
};

Arg split_arg(const std::string& text) {
  Arg arg{text, std::nullopt};
  if (arg.flag.rfind("--", 0) != 0) return arg;
  const size_t eq = arg.flag.find('=');
  if (eq != std::string::npos) {
    arg.inline_value = arg.flag.substr(eq + 1);
    arg.flag = arg.flag.substr(0, eq);
  }
  for (char& c : arg.flag) {
    if (c == '_') c = '-';  // --recover_s and --recover-s are the same flag
  }
  return arg;
}

bool takes_value(const std::string& flag) {
  return flag == "--faults" || flag == "--kinds" || flag == "--rate" || flag == "--recover-s" ||
         flag == "--drain-s" || flag == "--fresh-s" || flag == "--gap-ms" || flag == "--run-dir" ||
         flag == "--root" || flag == "--job-command";
}

// The flags without a default, seen so far.
struct Required {
  bool faults = false, kinds = false;
};

// --recover_s, --drain_s and --gap_ms: whole numbers.
std::string set_duration(Options& o, const std::string& flag, const std::string& value) {
  auto n = parse_int(value);
  if (!n || *n < 0 || *n > 86400000) return flag + " must be a whole number >= 0";
  if (flag == "--recover-s") {
    if (*n < 1) return "--recover_s must be at least 1";
    o.recover_s = static_cast<int>(*n);
  } else if (flag == "--drain-s") {
    o.drain_s = static_cast<int>(*n);
  } else {
    o.gap_ms = static_cast<int>(*n);
  }
  return "";
}

// Applies one flag that takes a value; "" or what is wrong with the value.
std::string set_value(Options& o, Required& seen, const std::string& flag,
                      const std::string& value) {
  if (flag == "--faults") {
    auto n = parse_int(value);
    if (!n || *n < 1 || *n > 100000) return "--faults must be a whole number from 1";
    o.faults = static_cast<int>(*n);
    seen.faults = true;
  } else if (flag == "--kinds") {
    o.kinds.clear();
    if (auto error = parse_kinds(value, o.kinds); !error.empty()) return error;
    seen.kinds = true;
  } else if (flag == "--rate") {
    auto r = parse_number(value);
    if (!r || *r < 0 || *r > 1000) return "--rate must be a number from 0 to 1000";
    o.rate = *r;
  } else if (flag == "--fresh-s") {
    auto r = parse_number(value);
    if (!r || *r <= 0 || *r > 3600) return "--fresh_s must be a number of seconds > 0";
    o.fresh_s = *r;
  } else if (flag == "--job-command") {
    if (value.empty()) return "--job_command needs a command";
    o.job_command = value;
  } else if (flag == "--run-dir" || flag == "--root") {
    if (value.empty()) return flag + " needs a directory";
    (flag == "--root" ? o.root : o.run_dir) = value;
  } else {
    return set_duration(o, flag, value);
  }
  return "";
}

}  // namespace

const std::vector<FaultKind>& all_kinds() {
  static const std::vector<FaultKind> kinds = [] {
    std::vector<FaultKind> v;
    for (const auto& [kind, name] : kKinds) v.push_back(kind);
    return v;
  }();
  return kinds;
}

const char* kind_name(FaultKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "?";
}

std::optional<FaultKind> kind_from_name(const std::string& name) {
  for (const auto& [kind, n] : kKinds) {
    if (name == n) return kind;
  }
  return std::nullopt;
}

std::string usage() {
  return R"(usage: tools/drill --faults N --kinds KIND[,KIND...]|all [options]

Failover drill against a cluster started with `tools/cluster up` (SCALE_RUN_DIR): a load
generator submits jobs through HAProxy while N faults are injected one after the other, cycling
through the kinds; after each the drill waits until a leader is known, the status document is
fresh and the leader launched again. Then it audits and prints a table.

kinds: kill            leader SIGKILL, then `tools/cluster restart` it
       stop            leader SIGSTOP past its ZooKeeper session timeout, then SIGCONT
       partition       the leader's veth link down past the session timeout, then up
                       (needs `tools/cluster up --netns`)
       zk-leader       kill the ZooKeeper ensemble's leader, restart it once the rest serve
       zk-quorum       stop 2 of the 3 ZooKeeper servers past the session timeout, restart them
       pg-restart      pg_ctl restart -m fast
       pg-promote      stop the PostgreSQL primary (immediate shutdown), promote its synchronous
                       standby, re-base the old primary as the new standby (needs
                       `tools/cluster up --pg-standby`); times from the promotion
       mesos-failover  the emulator's master failover (POST /sim/failover); real Mesos: SIGKILL
                       of the leading master, restarted once another leads (needs
                       `tools/cluster up --mesos real --masters 2` or more)
       agent-loss      remove an agent (POST /sim/remove_agent); agents do not come back.
                       Real Mesos: kill the busiest agent and its executors, restart it on
                       the same work dir once the master marked it unreachable
       all             every kind above

On a real Mesos (`tools/cluster up --mesos real`) the audit reads the leading master's
/master/frameworks and /master/slaves instead of the emulator's journal; zk-quorum is refused
with several masters (a Mesos master exits when its ZooKeeper session expires).

options:
  --rate JOBS_PER_S   load: jobs submitted per second through HAProxy (default 5; 0 = none)
  --json              print the report as JSON on stdout (progress goes to stderr)
  --recover_s S       per fault: how long the cluster may take to settle (default 60)
  --drain_s S         after the last fault: wait up to S s for submitted jobs to end (default 60)
  --fresh_s S         status freshness threshold (default 12, as the API's)
  --gap_ms MS         pause after the cluster settled, before the next fault (default 1000)
  --job_command CMD   the shell command of each load job (default true; a real Mesos runs it,
                      so e.g. 'sleep 5' keeps tasks running when a fault hits)
  --run-dir DIR       the cluster's run directory (default $SCALE_RUN_DIR or run/cluster)

exit status: 0 no violation, 1 violations (listed), 2 bad arguments, 3 the drill could not run
)";
}

ParseResult parse_options(const std::vector<std::string>& args) {
  ParseResult result;
  Options& o = result.options;
  Required seen;
  for (size_t i = 0; i < args.size(); ++i) {
    const Arg arg = split_arg(args[i]);
    if (arg.flag == "-h" || arg.flag == "--help") {
      o.help = true;
      return result;
    }
    if (arg.flag == "--json") {
      if (arg.inline_value) return {o, "--json takes no value"};
      o.json = true;
      continue;
    }
    if (!takes_value(arg.flag)) return {o, "unknown argument '" + args[i] + "'"};
    std::string value;
    if (arg.inline_value) {
      value = *arg.inline_value;
    } else {
      if (i + 1 >= args.size()) return {o, arg.flag + " needs a value"};
      value = args[++i];
    }
    if (auto error = set_value(o, seen, arg.flag, value); !error.empty()) return {o, error};
  }
  if (!seen.faults) return {o, "--faults N is required"};
  if (!seen.kinds) return {o, "--kinds is required (a comma-separated list, or all)"};
  return result;
}

}  // namespace scale::drill
