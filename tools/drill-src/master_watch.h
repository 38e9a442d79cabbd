#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "master_json.h"
#include "mesos_watch.h"

// A real Mesos master seen through its own endpoints, every 250 ms: the leading master (the one
// whose /master/redirect names itself), its /master/frameworks (the framework of the replicas'
// name: id, active, connected, re-registrations; every task it lists, active, unreachable or
// completed, with its container id) and, every fourth poll, /master/slaves. What it saw is kept
// across master failovers (a new master starts empty and learns tasks from re-registering
// agents) and past --max_completed_tasks_per_framework.
//
// Launches are the tasks it listed: one per distinct container id of a task id, so a task id
// launched twice shows up twice even after the first run ended. Violations recorded here:
// one_subscription (more than one framework of that name connected at once) and one_framework
// (a second framework id, or the framework torn down).
namespace scale::drill {

class HttpClient;

// The index (1-based) of the master whose /master/redirect points at itself.
std::optional<int> find_leading_master(const Cluster& cluster);
// The agents the leading master lists (its /master/slaves); nullopt when none answers.
std::optional<std::vector<MasterAgent>> fetch_master_agents(const Cluster& cluster);

class MasterWatch : public MesosWatch {
 public:
  MasterWatch(const Cluster& cluster, Violations& violations);
  ~MasterWatch() override;
  MasterWatch(const MasterWatch&) = delete;
  MasterWatch& operator=(const MasterWatch&) = delete;

  std::string name() const override { return "the Mesos master"; }
  std::optional<double> first_launch_at_or_after(double t,
                                                 bool new_streams_only = false) const override;
  size_t launches_between(double from, double to) const override;
  std::vector<Launch> launches() const override;
  std::vector<AgentView> agents() const override;
  long long duplicate_launches() const override;
  int max_live_streams() const override;
  FrameworkFacts framework() const override;
  std::string unsettled() const override;
  void catch_up() override;

 private:
  struct TaskSeen {
    std::string framework_id, agent_id, state;
    std::set<std::string> containers;
    int most_in_one_answer = 0;
    double seen_at = 0;       // when the first answer listing it arrived
    double absent_since = 0;  // when the answered poll before it was sent (0: the first poll)
  };
  using Clients = std::vector<std::unique_ptr<HttpClient>>;  // one per master

  void run();
  void poll(Clients& clients, bool with_agents);
  std::optional<int> leader(Clients& clients);
  void record_frameworks(const MasterFrameworks& answer, double sent, double received);
  void record_tasks(const std::vector<MasterTask>& tasks, double received);
  void record_agents(const std::vector<MasterAgent>& answer);

  const Cluster& cluster_;
  Violations& violations_;
  mutable std::mutex mutex_;
  std::mutex poll_mutex_;  // the thread and catch_up() poll one at a time
  std::optional<int> leader_;
  std::map<std::string, TaskSeen> tasks_;
  double last_sent_ = 0;  // send time of the last answered /master/frameworks
  std::vector<AgentView> agents_;
  std::set<std::string> framework_ids_;
  std::map<std::string, double> reregistered_;  // per framework id, the last time seen
  long subscriptions_ = 0;
  int live_ = 0, max_live_ = 0;
  bool over_one_ = false, removed_reported_ = false;
  long long listed_twice_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace scale::drill
