#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mesos_watch.h"

// The Mesos emulator seen through its own endpoints: /sim/state (live subscriptions per
// framework, agents, duplicate_launches) and the launch journal /sim/journal, polled every 200 ms.
namespace scale::drill {

class SimWatch : public MesosWatch {
 public:
  SimWatch(std::string sim_url, Violations& violations);
  ~SimWatch() override;
  SimWatch(const SimWatch&) = delete;
  SimWatch& operator=(const SimWatch&) = delete;

  std::string name() const override { return "the emulator"; }
  std::optional<double> first_launch_at_or_after(double t,
                                                 bool new_streams_only = false) const override;
  size_t launches_between(double from, double to) const override;
  std::vector<Launch> launches() const override;
  std::vector<AgentView> agents() const override;  // as of the last /sim/state
  long long duplicate_launches() const override;   // /sim/state's own count
  int max_live_streams() const override;
  FrameworkFacts framework() const override { return {}; }
  std::string unsettled() const override { return ""; }
  void catch_up() override;

 private:
  void run();
  void poll(class HttpClient& client);
  void poll_state(HttpClient& client);    // /sim/state
  void poll_journal(HttpClient& client);  // the launches since next_

  std::string url_;
  Violations& violations_;
  mutable std::mutex mutex_;
  std::mutex poll_mutex_;  // the thread and catch_up() poll one at a time
  std::vector<Launch> launches_;
  unsigned long long next_ = 0;
  std::vector<AgentView> agents_;
  long long duplicates_ = 0;
  int max_live_ = 0;
  bool over_one_ = false;  // inside an episode of more than one live subscription
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace scale::drill
