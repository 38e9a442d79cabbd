#include "master_watch.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "http.h"

namespace scale::drill {
namespace {

using namespace std::chrono_literals;

constexpr auto kPeriod = 250ms;
constexpr int kAgentsEvery = 4;  // /master/slaves once a second

std::vector<std::unique_ptr<HttpClient>> clients_for(const Cluster& cluster,
                                                     std::chrono::milliseconds timeout) {
  std::vector<std::unique_ptr<HttpClient>> out;
  for (const auto& m : cluster.masters()) {
    out.push_back(
        std::make_unique<HttpClient>("http://127.0.0.1:" + std::to_string(m.port), timeout));
  }
  return out;
}

std::optional<int> leader_among(const Cluster& cluster,
                                std::vector<std::unique_ptr<HttpClient>>& clients) {
  for (const auto& m : cluster.masters()) {
    const HttpAnswer a = clients[m.index - 1]->get("/master/redirect");
    if (a.status == 307 && redirect_port(a.location) == m.port) return m.index;
  }
  return std::nullopt;
}

// Alive and not a zombie waiting for its parent (tools/cluster is gone) or PID 1.
bool running(const std::optional<pid_t>& pid) {
  if (!pid || ::kill(*pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(*pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

}  // namespace

std::optional<int> find_leading_master(const Cluster& cluster) {
  auto clients = clients_for(cluster, 1000ms);
  return leader_among(cluster, clients);
}

std::optional<std::vector<MasterAgent>> fetch_master_agents(const Cluster& cluster) {
  auto clients = clients_for(cluster, 1000ms);
  const auto index = leader_among(cluster, clients);
  if (!index) return std::nullopt;
  const HttpAnswer a = clients[*index - 1]->get("/master/slaves");
  return a.status == 200 ? parse_master_slaves(a.body) : std::nullopt;
}

MasterWatch::MasterWatch(const Cluster& cluster, Violations& violations)
    : cluster_(cluster), violations_(violations) {
  thread_ = std::thread([this] { run(); });
}

MasterWatch::~MasterWatch() {
  stop_ = true;
  thread_.join();
}

void MasterWatch::run() {
  Clients clients = clients_for(cluster_, 2000ms);
  for (int turn = 0; !stop_; ++turn) {
    const auto next = std::chrono::steady_clock::now() + kPeriod;
    poll(clients, turn % kAgentsEvery == 0);
    sleep_until_or_stop(next, stop_);
  }
}

void MasterWatch::catch_up() {
  Clients clients = clients_for(cluster_, 5000ms);
  poll(clients, true);
}

std::optional<int> MasterWatch::leader(Clients& clients) {
  // Asked every poll: a master killed and started again answers as a standby.
  auto index = leader_among(cluster_, clients);
  std::lock_guard lock(mutex_);
  leader_ = index;
  return index;
}

void MasterWatch::poll(Clients& clients, bool with_agents) {
  std::lock_guard poll_lock(poll_mutex_);
  const auto index = leader(clients);
  if (!index) return;
  HttpClient& master = *clients[*index - 1];
  const double sent = wall_now();
  const HttpAnswer a = master.get("/master/frameworks");
  const double received = wall_now();
  auto frameworks = a.status == 200 ? parse_master_frameworks(a.body) : std::nullopt;
  if (!frameworks) {
    std::lock_guard lock(mutex_);
    leader_.reset();
    return;
  }
  record_frameworks(*frameworks, sent, received);
  if (!with_agents) return;
  const HttpAnswer s = master.get("/master/slaves");
  if (auto agents = s.status == 200 ? parse_master_slaves(s.body) : std::nullopt) {
    record_agents(*agents);
  }
}

void MasterWatch::record_frameworks(const MasterFrameworks& answer, double sent, double received) {
  const std::string& name = cluster_.framework_name();
  std::vector<std::string> problems;
  std::string who;
  bool crowded = false;
  int live = 0;
  {
    std::lock_guard lock(mutex_);
    for (const auto& f : answer.frameworks) {
      if (f.name != name) continue;
      if (f.active && f.connected) {
        ++live;
        who += (who.empty() ? "" : ", ") + f.id;
      }
      if (framework_ids_.insert(f.id).second && framework_ids_.size() > 1) {
        problems.push_back("a framework named " + name + " registered under a second id " + f.id +
                           " (the tasks of the first are orphaned)");
      }
      double& last = reregistered_[f.id];
      if (f.reregistered_time > 0 && f.reregistered_time != last) {
        ++subscriptions_;
        last = f.reregistered_time;
      }
    }
    for (const auto& f : answer.completed) {
      if (f.name == name && framework_ids_.count(f.id) && !removed_reported_) {
        removed_reported_ = true;
        problems.push_back("the master lists framework " + f.id + " as completed (torn down)");
      }
    }
    live_ = live;
    max_live_ = std::max(max_live_, live);
    // One violation per episode, not one per poll.
    crowded = live > 1 && !over_one_;
    over_one_ = live > 1;
    record_tasks(answer.tasks, received);
    last_sent_ = sent;
  }
  if (crowded) {
    violations_.add("one_subscription", std::to_string(live) + " frameworks named " + name +
                                            " connected to the master at once: " + who);
  }
  for (const auto& p : problems) violations_.add("one_framework", p);
}

// With mutex_ held.
void MasterWatch::record_tasks(const std::vector<MasterTask>& tasks, double received) {
  std::map<std::string, int> in_answer;
  for (const auto& t : tasks) {
    if (!framework_ids_.count(t.framework_id)) continue;
    ++in_answer[t.id];
    auto [it, fresh] = tasks_.try_emplace(t.id);
    TaskSeen& seen = it->second;
    if (fresh) {
      seen.seen_at = received;
      seen.absent_since = last_sent_;
      seen.framework_id = t.framework_id;
    }
    seen.agent_id = t.agent_id;
    seen.state = t.state;
    if (!t.container_id.empty()) seen.containers.insert(t.container_id);
  }
  for (const auto& [id, n] : in_answer) {
    TaskSeen& seen = tasks_[id];
    if (n > 1 && seen.most_in_one_answer <= 1) ++listed_twice_;
    seen.most_in_one_answer = std::max(seen.most_in_one_answer, n);
  }
}

void MasterWatch::record_agents(const std::vector<MasterAgent>& answer) {
  std::lock_guard lock(mutex_);
  std::vector<AgentView> views;
  for (const auto& a : answer) {
    AgentView view;
    view.id = a.id;
    view.state = a.active ? "REGISTERED" : "INACTIVE";
    for (const auto& node : cluster_.agents()) {
      if (node.port == a.port) view.name = node.name;
    }
    for (const auto& [task, seen] : tasks_) {
      view.tasks += seen.agent_id == a.id && !terminal_task_state(seen.state);
    }
    views.push_back(std::move(view));
  }
  agents_ = std::move(views);
}

std::optional<double> MasterWatch::first_launch_at_or_after(double t, bool) const {
  std::lock_guard lock(mutex_);
  std::optional<double> best;
  for (const auto& [id, seen] : tasks_) {
    if (seen.absent_since > 0 && seen.absent_since >= t && (!best || seen.seen_at < *best)) {
      best = seen.seen_at;
    }
  }
  return best;
}

size_t MasterWatch::launches_between(double from, double to) const {
  std::lock_guard lock(mutex_);
  return static_cast<size_t>(std::count_if(tasks_.begin(), tasks_.end(), [&](const auto& entry) {
    return entry.second.absent_since > 0 && entry.second.absent_since >= from &&
           entry.second.seen_at <= to;
  }));
}

std::vector<Launch> MasterWatch::launches() const {
  std::lock_guard lock(mutex_);
  std::vector<Launch> out;
  for (const auto& [id, seen] : tasks_) {
    const size_t n =
        std::max<size_t>({seen.containers.size(), static_cast<size_t>(seen.most_in_one_answer), 1});
    auto container = seen.containers.begin();
    for (size_t i = 0; i < n; ++i) {
      std::string cid = container != seen.containers.end() ? *container++ : "";
      out.push_back({seen.seen_at, id, seen.framework_id, std::move(cid)});
    }
  }
  return out;
}

std::vector<AgentView> MasterWatch::agents() const {
  std::lock_guard lock(mutex_);
  return agents_;
}

long long MasterWatch::duplicate_launches() const {
  std::lock_guard lock(mutex_);
  return listed_twice_;
}

int MasterWatch::max_live_streams() const {
  std::lock_guard lock(mutex_);
  return max_live_;
}

FrameworkFacts MasterWatch::framework() const {
  std::lock_guard lock(mutex_);
  FrameworkFacts facts;
  facts.known = true;
  facts.ids.assign(framework_ids_.begin(), framework_ids_.end());
  facts.subscriptions = subscriptions_;
  facts.active_at_end = live_;
  return facts;
}

std::string MasterWatch::unsettled() const {
  std::string missing;
  {
    std::lock_guard lock(mutex_);
    if (!leader_) {
      missing += " a leading Mesos master,";
    } else if (live_ != 1) {
      missing += " the framework subscribed at the master,";
    }
    const auto active = std::count_if(agents_.begin(), agents_.end(), [](const AgentView& a) {
      return a.state == "REGISTERED" && !a.name.empty();
    });
    if (static_cast<size_t>(active) < cluster_.agents().size()) {
      missing += " every Mesos agent active (" + std::to_string(active) + " of " +
                 std::to_string(cluster_.agents().size()) + "),";
    }
  }
  for (const auto& m : cluster_.masters()) {
    if (!running(cluster_.pid_of(m.name))) missing += " " + m.name + " running,";
  }
  return missing;
}

}  // namespace scale::drill
