// GET /sim/state: what drills check ("never two live subscriptions", tasks by state, agents).

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "master.h"

namespace mesos_sim {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_counts(Writer& w, const std::map<std::string, uint64_t>& counts) {
  w.StartObject();
  for (const auto& [name, count] : counts) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.Uint64(count);
  }
  w.EndObject();
}

void write_framework(Writer& w, const Framework& fw, uint64_t live_streams,
                     const std::map<std::string, uint64_t>& states) {
  w.StartObject();
  w.Key("id");
  w.String(fw.id);
  w.Key("name");
  w.String(fw.info.name);
  w.Key("connected");
  w.Bool(fw.connected);
  w.Key("stream_id");
  w.String(fw.stream_id);
  w.Key("live_streams");
  w.Uint64(live_streams);
  w.Key("subscriptions");
  w.Uint64(fw.subscriptions);
  w.Key("offers");
  w.Uint64(fw.offers.size());
  w.Key("suppressed_roles");
  w.StartArray();
  for (const auto& role : fw.suppressed_roles) w.String(role);
  w.EndArray();
  w.Key("tasks_by_state");
  write_counts(w, states);
  w.EndObject();
}

void write_agent(Writer& w, const Agent& agent) {
  w.StartObject();
  w.Key("id");
  w.String(agent.id);
  w.Key("hostname");
  w.String(agent.hostname);
  w.Key("state");
  w.String(agent_state_name(agent.state));
  w.Key("tasks");
  w.Uint64(agent.tasks.size());
  // Rounded: sums of fractional cpus drift by ~1e-16.
  w.Key("used_cpus");
  w.Double(std::max(0.0, std::round(agent.used.cpus * 1e6) / 1e6));
  w.Key("used_mem");
  w.Double(std::max(0.0, std::round(agent.used.mem * 1e6) / 1e6));
  w.EndObject();
}

// Open subscription streams per framework.
std::map<std::string, uint64_t> live_streams_by_framework(
    const std::unordered_map<std::string, std::string>& stream_owner) {
  std::map<std::string, uint64_t> live_streams;
  for (const auto& [stream, owner] : stream_owner) {
    if (!owner.empty()) ++live_streams[owner];
  }
  return live_streams;
}

// One framework's tasks by state; adds their unacknowledged updates to `unacknowledged`.
std::map<std::string, uint64_t> task_states(const std::unordered_map<std::string, Task>& tasks,
                                            const std::vector<Agent>& agents,
                                            uint64_t& unacknowledged) {
  std::map<std::string, uint64_t> states;
  for (const auto& [task_id, task] : tasks) {
    // The master holds a task of an unreachable agent as TASK_UNREACHABLE.
    bool unreachable =
        agents[task.agent].state == AgentState::UNREACHABLE && !is_terminal(task.state);
    ++states[unreachable ? "TASK_UNREACHABLE" : task_state_name(task.state)];
    unacknowledged += task.pending.size();
  }
  return states;
}

}  // namespace

std::string Master::state_json() const {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  std::map<std::string, uint64_t> all_states;
  uint64_t unacknowledged = 0;
  std::map<std::string, uint64_t> live_streams = live_streams_by_framework(stream_owner_);
  w.StartObject();
  w.Key("master_id");
  w.String(info_.id);
  w.Key("frameworks");
  w.StartArray();
  for (const auto& [id, fw] : frameworks_) {
    std::map<std::string, uint64_t> states;
    if (auto tasks = tasks_.find(id); tasks != tasks_.end()) {
      states = task_states(tasks->second, agents_, unacknowledged);
    }
    for (const auto& [name, count] : states) all_states[name] += count;
    write_framework(w, fw, live_streams[id], states);
  }
  w.EndArray();
  w.Key("removed_frameworks");
  w.StartArray();
  for (const auto& id : removed_frameworks_) w.String(id);
  w.EndArray();
  w.Key("subscriptions_total");
  w.Uint64(subscriptions_total_);
  w.Key("tasks_by_state");
  write_counts(w, all_states);
  w.Key("launches");
  w.Uint64(journal_.records().size());
  w.Key("duplicate_launches");
  w.Uint64(duplicate_launches_);
  w.Key("acknowledgements");
  w.Uint64(acknowledgements_);
  w.Key("unacknowledged_updates");
  w.Uint64(unacknowledged);
  w.Key("outstanding_offers");
  w.Uint64(offers_.size());
  w.Key("agents");
  w.StartArray();
  for (const auto& agent : agents_) write_agent(w, agent);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace mesos_sim
