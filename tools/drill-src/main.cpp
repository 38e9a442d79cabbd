// scale-drill: the failover drill behind tools/drill (usage in options.cpp, README "Failover
// drills"). Exit status: 0 no violation, 1 violations, 2 bad arguments, 3 could not run.

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "audit.h"
#include "cluster.h"
#include "faults.h"
#include "load.h"
#include "mesos_faults.h"
#include "mesos_watch.h"
#include "options.h"
#include "report.h"
#include "watch.h"

namespace {

using namespace scale::drill;

constexpr int kExitViolations = 1, kExitUsage = 2, kExitCannotRun = 3;

// Set by the signal thread, which outlives main's stack: hence static storage.
std::atomic<bool> interrupted{false};

int usage_error(const std::string& message) {
  std::cerr << "drill: " << message << " (try --help)\n";
  return kExitUsage;
}

void sleep_interruptible(int ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!interrupted && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// --root and --run-dir when not given: the wrapper's source tree, the cluster tools/cluster uses.
Options with_default_dirs(Options options) {
  if (options.root.empty()) {
    const char* root = std::getenv("SCALE_SOURCE_DIR");
    options.root = root ? root : ".";
  }
  if (options.run_dir.empty()) {
    const char* run = std::getenv("SCALE_RUN_DIR");
    options.run_dir = run && *run ? run : options.root + "/run/cluster";
  }
  return options;
}

std::optional<Cluster> load_cluster(const Options& options) {
  try {
    return Cluster::load(options.root, options.run_dir);
  } catch (const std::exception& e) {
    std::cerr << "drill: " << e.what() << "\n";
    return std::nullopt;
  }
}

// The fault kinds in the order they will run; "" or why this cluster or user cannot run them.
std::string plan_faults(const Options& options, const Cluster& cluster,
                        std::vector<FaultKind>& planned) {
  bool needs_root = false;
  for (int i = 0; i < options.faults; ++i) {
    const FaultKind kind = options.kinds[i % options.kinds.size()];
    if (kind == FaultKind::Partition && !cluster.netns()) {
      return "partition needs replicas in network namespaces: start the cluster with "
             "tools/cluster up --netns";
    }
    if (kind == FaultKind::PgPromote && !cluster.pg_standby()) {
      return "pg-promote needs a PostgreSQL standby: start the cluster with "
             "tools/cluster up --pg-standby";
    }
    needs_root |= kind == FaultKind::Partition || kind == FaultKind::PgRestart ||
                  kind == FaultKind::PgPromote;
    planned.push_back(kind);
  }
  if (needs_root && geteuid() != 0) {
    return "partition, pg-restart and pg-promote need root (ip link, runuser -u postgres)";
  }
  return "";
}

// SIGINT/SIGTERM end the drill cleanly: the fault in progress is undone (SIGCONT, link up,
// ZooKeeper restarted) and the audit still runs. Blocked before any thread starts, so only the
// signal thread receives them.
void start_signal_thread() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals] {
    int sig = 0;
    while (sigwait(&signals, &sig) == 0) {
      interrupted = true;
      std::cerr << "drill: interrupted; undoing the current fault, then auditing\n";
    }
  }).detach();
}

void announce(const Options& options, const Cluster& cluster) {
  std::cerr << "drill: " << options.faults << " faults on " << cluster.replicas().size()
            << " replicas in " << cluster.run_dir() << " ("
            << (cluster.mesos() == MesosKind::Real
                    ? "real Mesos, " + std::to_string(cluster.masters().size()) + " master(s), " +
                          std::to_string(cluster.agents().size()) + " agent(s)"
                    : std::string("mesos-sim"))
            << "), load " << options.rate << " jobs/s, session timeout "
            << cluster.session_timeout_ms() << " ms\n";
}

Report new_report(const Options& options, const Cluster& cluster) {
  Report report;
  report.options = options;
  report.session_timeout_ms = cluster.session_timeout_ms();
  report.netns = cluster.netns();
  report.real_mesos = cluster.mesos() == MesosKind::Real;
  return report;
}

void run_faults(FaultRunner& runner, const Options& options, Report& report) {
  // The first fault lands on a cluster that is already launching.
  sleep_interruptible(options.gap_ms);
  for (int i = 0; i < options.faults && !interrupted; ++i) {
    FaultRecord rec = runner.run(i + 1, options.kinds[i % options.kinds.size()]);
    std::cerr << fault_line(rec, options.faults) << "\n";
    report.faults.push_back(rec);
    // Another fault on an unsettled cluster would measure nothing: audit what happened instead.
    if (!rec.settled) break;
    sleep_interruptible(options.gap_ms);
  }
}

void stop_load(LoadGenerator& load, Report& report) {
  load.stop();
  report.load = load.stats();
  std::cerr << "drill: load stopped after " << report.load.accepted
            << " accepted jobs; draining and auditing\n";
}

void print_report(const Options& options, const Report& report) {
  if (options.json) {
    std::cerr << text_report(report);
    std::cout << json_report(report);
  } else {
    std::cout << text_report(report);
  }
  std::cout.flush();
}

int exit_status(const Report& report) {
  if (!report.violations.empty()) return kExitViolations;
  return report.interrupted ? kExitCannotRun : 0;
}

// Watches the cluster, injects the faults under load, audits and reports.
int run_drill(const Options& options, const Cluster& cluster,
              const std::vector<FaultKind>& planned) {
  const auto started = std::chrono::steady_clock::now();
  Violations violations;
  std::vector<std::unique_ptr<ReplicaWatch>> watches;
  for (const auto& r : cluster.replicas()) {
    watches.push_back(std::make_unique<ReplicaWatch>(r, options.fresh_s, violations));
  }
  auto mesos = make_mesos_watch(cluster, violations);
  auto mesos_faults = make_mesos_faults(cluster, options, *mesos, interrupted);
  FaultRunner runner(cluster, options, violations, watches, *mesos, *mesos_faults, interrupted);

  if (auto why = mesos_faults->refuse(planned); !why.empty()) return usage_error(why);
  if (auto err = runner.wait_for_leader(); !err.empty()) {
    std::cerr << "drill: the cluster is not ready: " << err << "\n";
    return kExitCannotRun;
  }

  announce(options, cluster);
  auto load =
      std::make_unique<LoadGenerator>(cluster.read_url(), options.rate, options.job_command);
  Report report = new_report(options, cluster);
  run_faults(runner, options, report);
  stop_load(*load, report);
  report.audit = audit(cluster, load->job_ids(), *mesos, violations, options.drain_s, interrupted);
  for (const auto& w : watches) report.status.emplace_back(w->replica().name, w->status_counts());
  report.violations = violations.all();
  report.interrupted = interrupted;
  report.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  print_report(options, report);
  // Watch threads finish their current request (at most ~1 s) on the way out.
  watches.clear();
  mesos.reset();
  return exit_status(report);
}

}  // namespace

int main(int argc, char** argv) {
  ParseResult parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (parsed.options.help) {
    std::cout << usage();
    return 0;
  }
  if (!parsed.error.empty()) return usage_error(parsed.error);
  const Options options = with_default_dirs(parsed.options);
  const std::optional<Cluster> cluster = load_cluster(options);
  if (!cluster) return kExitCannotRun;
  std::vector<FaultKind> planned;
  if (auto why = plan_faults(options, *cluster, planned); !why.empty()) return usage_error(why);
  start_signal_thread();
  return run_drill(options, *cluster, planned);
}
