#include "master.h"

#include <algorithm>
#include <cstdio>

#include "framework_rules.h"

namespace mesos_sim {
namespace {

Millis seconds_to_ms(double s) {
  return static_cast<Millis>(s * 1000.0);
}

}  // namespace

Master::Master(const Config& config, MasterInfo info, StreamSink& sink, Journal& journal,
               Millis now)
    : config_(config), info_(std::move(info)), sink_(sink), journal_(journal), rng_(config.seed) {
  if (info_.id.empty()) info_.id = random_uuid_string();
  // Agent ids survive a simulated master failover, so they get their own prefix.
  const std::string prefix = random_uuid_string();
  agents_.resize(config_.agents);
  for (int i = 0; i < config_.agents; ++i) {
    agents_[i].id = prefix + "-S" + std::to_string(i);
    agents_[i].hostname = "agent-" + std::to_string(i) + ".sim";
    agents_[i].total = config_.agent_resources;
    if (config_.gpu_agents >= 0 && i >= config_.gpu_agents) agents_[i].total.gpus = 0;
    agent_by_id_[agents_[i].id] = i;
  }
  next_allocation_ = now;
}

std::string Master::random_uuid_string() {
  std::uniform_int_distribution<int> byte(0, 255);
  unsigned char b[16];
  for (auto& x : b) x = static_cast<unsigned char>(byte(entropy_));
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // variant
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::string Master::new_stream_id() {
  return random_uuid_string();
}

int Master::agent_index(const std::string& agent_id) const {
  auto it = agent_by_id_.find(agent_id);
  return it == agent_by_id_.end() ? -1 : it->second;
}

void Master::send(Framework& fw, const std::string& event) {
  if (fw.connected) sink_.send(fw.stream_id, event);
}

Framework& Master::recover_framework(const std::string& framework_id) {
  Framework& fw = frameworks_[framework_id];
  fw.id = framework_id;
  return fw;
}

void Master::subscribe(const Call& call, const std::string& stream_id, Millis now,
                       const std::optional<std::string>& principal) {
  FrameworkInfo info = call.framework_info;
  if (principal && !info.principal_set) info.principal = *principal;
  auto known = info.id ? frameworks_.find(*info.id) : frameworks_.end();
  std::string error = validate_framework_info(
      info, call.suppressed_roles, known == frameworks_.end() ? nullptr : &known->second.info);
  if (info.id && removed_frameworks_.count(*info.id)) error = "Framework has been removed";
  if (!error.empty()) {
    // Semantic refusals: 200, one ERROR event, then the stream closes (A.4).
    sink_.send(stream_id, error_event(error));
    sink_.close(stream_id);
    return;
  }
  std::string id;
  if (info.id) {
    id = *info.id;
  } else {
    char suffix[16];
    std::snprintf(suffix, sizeof(suffix), "-%04llu",
                  static_cast<unsigned long long>(next_framework_++));
    id = info_.id + suffix;
  }
  Framework& fw = recover_framework(id);
  if (fw.connected) {
    // Failover (A.12): the newest SUBSCRIBE wins; the old stream gets ERROR and is closed.
    sink_.send(fw.stream_id, error_event("Framework failed over"));
    sink_.close(fw.stream_id);
    stream_owner_.erase(fw.stream_id);
  }
  remove_offers_of(fw, false);
  // On resubscribe a changed user or checkpoint is quietly reset to the old value; the emulator
  // does not model either, so the new FrameworkInfo simply replaces the old one.
  fw.info = info;
  fw.info.id = id;
  fw.connected = true;
  fw.stream_id = stream_id;
  fw.remove_at.reset();
  fw.suppressed_roles = {call.suppressed_roles.begin(), call.suppressed_roles.end()};
  ++fw.subscriptions;
  ++subscriptions_total_;
  stream_owner_[stream_id] = id;
  send(fw, subscribed_event(id, config_.heartbeat_interval_s, info_));
  send(fw, heartbeat_event());
  fw.next_heartbeat = now + seconds_to_ms(config_.heartbeat_interval_s);
  deliver_all_heads(id, now);
  // The allocator runs when a framework is added or activated, not only at its interval.
  next_allocation_ = 0;
}

Reply Master::call(const Call& call, const std::optional<std::string>& stream_id, Millis now,
                   const std::optional<std::string>& principal) {
  auto it = frameworks_.find(*call.framework_id);
  if (it == frameworks_.end()) return {400, "Framework cannot be found"};
  Framework& fw = it->second;
  if (principal && *principal != fw.info.principal) {
    return {400, "Authenticated principal '" + *principal + "' does not match principal '" +
                     fw.info.principal + "' set in `FrameworkInfo`"};
  }
  if (!fw.connected) return {403, "Framework is not subscribed"};
  if (!stream_id) {
    return {400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header"};
  }
  if (*stream_id != fw.stream_id) {
    return {400, "The stream ID '" + *stream_id +
                     "' included in this request didn't match the stream ID currently "
                     "associated with framework ID " +
                     fw.id};
  }
  if (call.type == CallType::UNKNOWN) return {501, ""};
  if (call.type == CallType::UPDATE_FRAMEWORK) return update_framework(fw, call);
  dispatch(fw, call, now);
  return {202, ""};
}

Reply Master::update_framework(Framework& fw, const Call& call) {
  // Synchronous and all-or-nothing: 200 once applied, 400 with the reason otherwise.
  FrameworkInfo info = call.framework_info;
  if (!info.principal_set) info.principal = fw.info.principal;
  std::string error = validate_framework_info(info, call.suppressed_roles, &fw.info);
  if (!error.empty()) return {400, error};
  info.user = fw.info.user;  // immutable; the master keeps the old value
  fw.info = info;
  fw.suppressed_roles = {call.suppressed_roles.begin(), call.suppressed_roles.end()};
  // Offers for a role the framework left or suppressed are rescinded.
  std::vector<std::string> stale;
  for (const auto& id : fw.offers) {
    const std::string& role = offers_.at(id).role;
    bool subscribed = std::count(fw.info.roles.begin(), fw.info.roles.end(), role) > 0;
    if (!subscribed || fw.suppressed_roles.count(role)) stale.push_back(id);
  }
  for (const auto& id : stale) remove_offer(id, true);
  return {200, ""};
}

void Master::dispatch(Framework& fw, const Call& call, Millis now) {
  switch (call.type) {
    case CallType::TEARDOWN:
      remove_framework(fw);  // invalidates fw
      return;
    case CallType::ACCEPT:
      accept(fw, call, now);
      return;
    case CallType::DECLINE:
      decline(fw, call, now);
      return;
    case CallType::SUPPRESS:
      suppress(fw, call.roles);
      return;
    case CallType::REVIVE:
      revive(fw, call.roles);
      return;
    case CallType::KILL:
      kill(fw, call, now);
      return;
    case CallType::ACKNOWLEDGE:
      acknowledge(fw, call, now);
      return;
    case CallType::RECONCILE:
      reconcile(fw, call);
      return;
    default:
      // MESSAGE, REQUEST, SHUTDOWN, inverse offers, operations: accepted and ignored, as the
      // default allocator and an emulator without executors would.
      return;
  }
}

void Master::stream_closed(const std::string& stream_id, Millis now) {
  auto owner = stream_owner_.find(stream_id);
  if (owner == stream_owner_.end()) return;
  std::string framework_id = owner->second;
  stream_owner_.erase(owner);
  auto it = frameworks_.find(framework_id);
  if (it != frameworks_.end() && it->second.connected && it->second.stream_id == stream_id) {
    disconnect(it->second, now);
  }
}

void Master::disconnect(Framework& fw, Millis now) {
  // Deactivation: outstanding offers go away (no RESCIND: the stream is gone) and the
  // failover_timeout timer starts (A.12).
  remove_offers_of(fw, false);
  stream_owner_.erase(fw.stream_id);
  fw.connected = false;
  fw.stream_id.clear();
  double timeout =
      std::min(std::max(fw.info.failover_timeout, 0.0), config_.failover_timeout_cap_s);
  fw.remove_at = now + seconds_to_ms(timeout);
}

void Master::remove_framework(Framework& fw) {
  if (fw.connected) {
    sink_.close(fw.stream_id);
    stream_owner_.erase(fw.stream_id);
  }
  remove_offers_of(fw, false);
  // Its tasks are shut down: their resources return to the agents and their streams end.
  if (auto tasks = tasks_.find(fw.id); tasks != tasks_.end()) {
    for (auto& [task_id, task] : tasks->second) {
      Agent& agent = agents_[task.agent];
      if (!is_terminal(task.state)) agent.used -= task.resources;
      agent.tasks.erase(task.serial);
      task_by_serial_.erase(task.serial);
    }
    tasks_.erase(tasks);
  }
  removed_frameworks_.insert(fw.id);
  frameworks_.erase(fw.id);
}

void Master::heartbeat_and_expire(Millis now) {
  std::vector<std::string> expired;
  for (auto& [id, fw] : frameworks_) {
    if (fw.connected && fw.heartbeats && now >= fw.next_heartbeat) {
      send(fw, heartbeat_event());
      fw.next_heartbeat = now + seconds_to_ms(config_.heartbeat_interval_s);
    }
    if (!fw.connected && fw.remove_at && now >= *fw.remove_at) expired.push_back(id);
  }
  for (const auto& id : expired) remove_framework(frameworks_.at(id));
}

void Master::tick(Millis now) {
  if (recovering_agents_ > 0) reregister_agents(now);
  run_timers(now);
  heartbeat_and_expire(now);
  if (now >= next_allocation_) {
    allocate(now);
    next_allocation_ = now + config_.offer_interval_ms;
  }
}

}  // namespace mesos_sim
