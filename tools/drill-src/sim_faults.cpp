// The emulator's Mesos faults: its own fault endpoints (tools/mesos-sim/README.md).

#include <algorithm>
#include <chrono>

#include "http.h"
#include "mesos_faults.h"

namespace scale::drill {
namespace {

using namespace std::chrono_literals;

class SimFaults : public MesosFaults {
 public:
  SimFaults(const Cluster& cluster, MesosWatch& watch)
      : watch_(watch), api_(cluster.sim_url(), 5000ms) {}

  // Removed agents never come back: every agent-loss needs one, and two always stay.
  std::string refuse(const std::vector<FaultKind>& planned) override {
    const auto losses = std::count(planned.begin(), planned.end(), FaultKind::AgentLoss);
    if (losses == 0) return "";
    watch_.catch_up();
    size_t registered = 0;
    for (const auto& a : watch_.agents()) registered += a.state == "REGISTERED";
    if (registered >= static_cast<size_t>(losses) + 2) return "";
    return std::to_string(losses) + " agent-loss fault(s) need at least " +
           std::to_string(losses + 2) + " registered agents (removed agents never come back), " +
           "the emulator has " + std::to_string(registered) +
           ": start the cluster with tools/cluster up --agents " + std::to_string(losses + 2) +
           " or more";
  }

  void master_failover(FaultRecord& rec) override {
    rec.target = "mesos-sim";
    rec.injected_at = rec.measured_from = wall_now();
    const HttpAnswer a = api_.post("/sim/failover", R"({"window_ms":2000,"min_ms":200})");
    if (a.status != 200) {
      rec.note += "POST /sim/failover answered " + std::to_string(a.status) + " " + a.error + "; ";
    }
  }

  void agent_loss(FaultRecord& rec) override {
    watch_.catch_up();
    std::vector<AgentView> registered;
    for (const auto& a : watch_.agents()) {
      if (a.state == "REGISTERED") registered.push_back(a);
    }
    rec.injected_at = rec.measured_from = wall_now();
    // Two agents always stay, so the leader can keep launching.
    if (registered.size() < 3) {
      rec.note += "only " + std::to_string(registered.size()) + " agents left: none removed; ";
      return;
    }
    // The busiest agent: its running tasks must come back as lost and be retried, not vanish.
    const auto victim =
        *std::max_element(registered.begin(), registered.end(),
                          [](const AgentView& x, const AgentView& y) { return x.tasks < y.tasks; });
    rec.target = victim.id + " (" + std::to_string(victim.tasks) + " tasks)";
    rec.injected_at = rec.measured_from = wall_now();
    const HttpAnswer a = api_.post("/sim/remove_agent", R"({"agent_id":")" + victim.id + R"("})");
    if (a.status != 200) {
      rec.note +=
          "POST /sim/remove_agent answered " + std::to_string(a.status) + " " + a.error + "; ";
    }
  }

 private:
  MesosWatch& watch_;
  HttpClient api_;
};

}  // namespace

std::unique_ptr<MesosFaults> make_sim_faults(const Cluster& cluster, MesosWatch& watch) {
  return std::make_unique<SimFaults>(cluster, watch);
}

}  // namespace scale::drill
