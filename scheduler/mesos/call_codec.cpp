#include "scheduler/mesos/call_codec.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>

#include "scheduler/mesos/call_type.h"
#include "scheduler/mesos/json_writer.h"
#include "scheduler/mesos/task_info_codec.h"

namespace scale::mesos {
namespace {

void write_id_array(Writer& w, const char* key, const std::vector<std::string>& ids) {
  w.Key(key);
  w.StartArray();
  for (const auto& id : ids) {
    w.StartObject();
    w.Key("value");
    w.String(id);
    w.EndObject();
  }
  w.EndArray();
}

// Opens the Call envelope common to every non-SUBSCRIBE call.
void begin_call(Writer& w, const char* type, const std::string& framework_id) {
  w.StartObject();
  w.Key("type");
  w.String(type);
  write_id(w, "framework_id", framework_id);
}

std::string finish(rapidjson::StringBuffer& buffer) {
  return {buffer.GetString(), buffer.GetSize()};
}

void write_filters(Writer& w, std::optional<double> refuse_seconds) {
  if (!refuse_seconds) return;
  w.Key("filters");
  w.StartObject();
  w.Key("refuse_seconds");
  w.Double(*refuse_seconds);
  w.EndObject();
}

void write_framework_info(Writer& w, const FrameworkInfo& info,
                          const std::optional<std::string>& framework_id) {
  w.StartObject();
  w.Key("user");
  w.String(info.user);
  w.Key("name");
  w.String(info.name);
  if (framework_id) write_id(w, "id", *framework_id);
  w.Key("failover_timeout");
  w.Double(info.failover_timeout_seconds);
  w.Key("checkpoint");
  w.Bool(info.checkpoint);
  write_strings(w, "roles", info.roles);
  w.Key("capabilities");
  w.StartArray();
  for (const auto& capability : info.capabilities) {
    w.StartObject();
    w.Key("type");
    w.String(capability);
    w.EndObject();
  }
  w.EndArray();
  for (auto [key, value] :
       {std::pair{"hostname", &info.hostname}, std::pair{"principal", &info.principal},
        std::pair{"webui_url", &info.webui_url}}) {
    if (value->empty()) continue;
    w.Key(key);
    w.String(*value);
  }
  w.EndObject();
}

// SUPPRESS and REVIVE share their shape: an optional sub-message with a `roles` list (never
// "role": the master would ignore that key and act on every role, spec A.15).
std::string encode_roles_call(const char* type, const char* key, const std::string& framework_id,
                              const std::vector<std::string>& roles) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  begin_call(w, type, framework_id);
  w.Key(key);
  w.StartObject();
  if (!roles.empty()) write_strings(w, "roles", roles);
  w.EndObject();
  w.EndObject();
  return finish(buffer);
}

}  // namespace

std::string encode_subscribe(const FrameworkInfo& info,
                             const std::optional<std::string>& framework_id) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("type");
  w.String("SUBSCRIBE");
  if (framework_id) write_id(w, "framework_id", *framework_id);
  w.Key("subscribe");
  w.StartObject();
  w.Key("framework_info");
  write_framework_info(w, info, framework_id);
  w.EndObject();
  w.EndObject();
  return finish(buffer);
}

std::string encode_accept(const std::string& framework_id,
                          const std::vector<std::string>& offer_ids,
                          const std::vector<TaskLaunch>& tasks,
                          std::optional<double> refuse_seconds) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  begin_call(w, to_string(CallType::Accept), framework_id);
  w.Key("accept");
  w.StartObject();
  write_id_array(w, "offer_ids", offer_ids);
  w.Key("operations");
  w.StartArray();
  if (!tasks.empty()) {
    // No operation `id`: the master rejects LAUNCH operations that ask for feedback.
    w.StartObject();
    w.Key("type");
    w.String("LAUNCH");
    w.Key("launch");
    w.StartObject();
    w.Key("task_infos");
    w.StartArray();
    for (const auto& task : tasks) write_task_info(w, task);
    w.EndArray();
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  write_filters(w, refuse_seconds);
  w.EndObject();
  w.EndObject();
  return finish(buffer);
}

std::string encode_decline(const std::string& framework_id,
                           const std::vector<std::string>& offer_ids,
                           std::optional<double> refuse_seconds) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  begin_call(w, to_string(CallType::Decline), framework_id);
  w.Key("decline");
  w.StartObject();
  write_id_array(w, "offer_ids", offer_ids);
  write_filters(w, refuse_seconds);
  w.EndObject();
  w.EndObject();
  return finish(buffer);
}

std::string encode_suppress(const std::string& framework_id,
                            const std::vector<std::string>& roles) {
  return encode_roles_call(to_string(CallType::Suppress), "suppress", framework_id, roles);
}

std::string encode_revive(const std::string& framework_id, const std::vector<std::string>& roles) {
  return encode_roles_call(to_string(CallType::Revive), "revive", framework_id, roles);
}

std::string encode_kill(const std::string& framework_id, const std::string& task_id,
                        const std::string& agent_id, std::optional<double> grace_seconds) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  begin_call(w, to_string(CallType::Kill), framework_id);
  w.Key("kill");
  w.StartObject();
  write_id(w, "task_id", task_id);
  if (!agent_id.empty()) write_id(w, "agent_id", agent_id);
  if (grace_seconds) {
    // Overrides TaskInfo.kill_policy for this kill only (spec B.3); the master does not check it.
    w.Key("kill_policy");
    w.StartObject();
    w.Key("grace_period");
    w.StartObject();
    w.Key("nanoseconds");
    w.Int64(std::llround(std::max(0.0, *grace_seconds) * 1e9));
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return finish(buffer);
}

std::string encode_acknowledge(const std::string& framework_id, const std::string& agent_id,
                               const std::string& task_id, const std::string& uuid_base64) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  begin_call(w, to_string(CallType::Acknowledge), framework_id);
  w.Key("acknowledge");
  w.StartObject();
  write_id(w, "agent_id", agent_id);
  write_id(w, "task_id", task_id);
  w.Key("uuid");
  w.String(uuid_base64);
  w.EndObject();
  w.EndObject();
  return finish(buffer);
}

std::string encode_reconcile(const std::string& framework_id,
                             const std::vector<TaskToReconcile>& tasks) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  begin_call(w, to_string(CallType::Reconcile), framework_id);
  w.Key("reconcile");
  w.StartObject();
  w.Key("tasks");
  w.StartArray();
  for (const auto& task : tasks) {
    w.StartObject();
    write_id(w, "task_id", task.task_id);
    if (!task.agent_id.empty()) write_id(w, "agent_id", task.agent_id);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return finish(buffer);
}

std::string encode_teardown(const std::string& framework_id) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  begin_call(w, to_string(CallType::Teardown), framework_id);
  w.EndObject();
  return finish(buffer);
}

}  // namespace scale::mesos
