#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster.h"
#include "watch.h"

// What the drill observes of Mesos for the whole drill, behind one interface with two
// implementations: the emulator's own journal and counters (sim_watch.h) and a real master's
// endpoints (master_watch.h). Both keep time-stamped histories, so the fault loop can ask "when
// did Mesos first see a launch after t", and record violations as they see them.
namespace scale::drill {

struct Launch {
  double time = 0;  // when Mesos received it (emulator), or first listed it (real master)
  std::string task_id, framework_id;
  std::string stream_id;  // emulator: the subscription that launched it; real: its container id
};

struct AgentView {
  std::string id, state;  // state REGISTERED while the master offers it
  std::string name;       // agent-N of tools/cluster (real Mesos), else empty
  int tasks = 0;          // tasks not yet terminal on it
};

// What Mesos says about the scheduler's framework (real masters only: known = false otherwise).
struct FrameworkFacts {
  bool known = false;
  std::vector<std::string> ids;  // every id a framework of the replicas' name had; one expected
  long subscriptions = 0;        // (re)subscriptions seen
  int active_at_end = 0;         // frameworks of that name active and connected at catch_up
};

class MesosWatch {
 public:
  virtual ~MesosWatch() = default;
  // "the emulator" or "the Mesos master": who the audit's launch facts come from.
  virtual std::string name() const = 0;
  // The first launch Mesos saw at or after t; with new_streams_only, only one of a subscription
  // that launched nothing before t (a new leader's, not a late one of the old leader's). The real
  // master names no subscription: it counts a task only when a poll sent at or after t did not
  // list it yet, which already excludes a launch sent before t.
  virtual std::optional<double> first_launch_at_or_after(double t,
                                                         bool new_streams_only = false) const = 0;
  virtual size_t launches_between(double from, double to) const = 0;
  // Every launch seen since the drill started: one entry per task launch (a task id launched
  // twice appears twice).
  virtual std::vector<Launch> launches() const = 0;
  virtual std::vector<AgentView> agents() const = 0;  // as of the last poll
  // Mesos' own count of double launches (the emulator's duplicate_launches; a real master: task
  // ids it listed twice in one answer).
  virtual long long duplicate_launches() const = 0;
  virtual int max_live_streams() const = 0;  // most subscriptions of the framework live at once
  virtual FrameworkFacts framework() const = 0;
  // What Mesos itself still lacks after a fault, as " a leading Mesos master," phrases for the
  // settle message ("" when nothing): a leading master, the framework subscribed, every agent.
  virtual std::string unsettled() const = 0;
  // Polls once more, synchronously, so the audit sees everything up to now.
  virtual void catch_up() = 0;
};

std::unique_ptr<MesosWatch> make_mesos_watch(const Cluster& cluster, Violations& violations);

}  // namespace scale::drill
