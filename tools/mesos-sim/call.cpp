#include "call.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cstdio>

#include "json_reader.h"

namespace mesos_sim {
namespace {

using rapidjson::Value;

constexpr std::array<std::pair<CallType, const char*>, 18> kTypes{{
    {CallType::UNKNOWN, "UNKNOWN"},
    {CallType::SUBSCRIBE, "SUBSCRIBE"},
    {CallType::TEARDOWN, "TEARDOWN"},
    {CallType::ACCEPT, "ACCEPT"},
    {CallType::DECLINE, "DECLINE"},
    {CallType::REVIVE, "REVIVE"},
    {CallType::KILL, "KILL"},
    {CallType::SHUTDOWN, "SHUTDOWN"},
    {CallType::ACKNOWLEDGE, "ACKNOWLEDGE"},
    {CallType::RECONCILE, "RECONCILE"},
    {CallType::MESSAGE, "MESSAGE"},
    {CallType::REQUEST, "REQUEST"},
    {CallType::SUPPRESS, "SUPPRESS"},
    {CallType::ACCEPT_INVERSE_OFFERS, "ACCEPT_INVERSE_OFFERS"},
    {CallType::DECLINE_INVERSE_OFFERS, "DECLINE_INVERSE_OFFERS"},
    {CallType::ACKNOWLEDGE_OPERATION_STATUS, "ACKNOWLEDGE_OPERATION_STATUS"},
    {CallType::RECONCILE_OPERATIONS, "RECONCILE_OPERATIONS"},
    {CallType::UPDATE_FRAMEWORK, "UPDATE_FRAMEWORK"},
}};

// Sub-message key per call type.
const char* sub_key(CallType type) {
  switch (type) {
    case CallType::SUPPRESS:
      return "suppress";
    case CallType::REVIVE:
      return "revive";
    case CallType::SUBSCRIBE:
      return "subscribe";
    case CallType::ACCEPT:
      return "accept";
    case CallType::DECLINE:
      return "decline";
    case CallType::KILL:
      return "kill";
    case CallType::SHUTDOWN:
      return "shutdown";
    case CallType::ACKNOWLEDGE:
      return "acknowledge";
    case CallType::RECONCILE:
      return "reconcile";
    case CallType::MESSAGE:
      return "message";
    case CallType::REQUEST:
      return "request";
    case CallType::ACCEPT_INVERSE_OFFERS:
      return "accept_inverse_offers";
    case CallType::DECLINE_INVERSE_OFFERS:
      return "decline_inverse_offers";
    case CallType::ACKNOWLEDGE_OPERATION_STATUS:
      return "acknowledge_operation_status";
    case CallType::RECONCILE_OPERATIONS:
      return "reconcile_operations";
    case CallType::UPDATE_FRAMEWORK:
      return "update_framework";
    default:
      return nullptr;
  }
}

void read_resource(JsonReader& r, const Value& res, TaskLaunch* task) {
  auto name = r.string(res, "name", true);
  auto type = r.string(res, "type", true);
  ++task->resource_count;
  const Value* scalar = r.object(res, "scalar");
  if (!name || !type) return;
  if (*type != "SCALAR" || !scalar) {
    task->unsupported_resource = true;
    return;
  }
  double value = r.number(*scalar, "value").value_or(0);
  if (value <= 0 && task->nonpositive.empty()) {
    char text[64];
    std::snprintf(text, sizeof(text), ":%g", value);
    task->nonpositive = *name + text;
  }
  if (*name == "cpus") {
    task->resources.cpus += value;
  } else if (*name == "mem") {
    task->resources.mem += value;
  } else if (*name == "disk") {
    task->resources.disk += value;
  } else if (*name == "gpus") {
    task->resources.gpus += value;
  } else {
    task->unsupported_resource = true;
  }
}

TaskLaunch read_task(JsonReader& r, const Value& info) {
  TaskLaunch task;
  // Required fields first, in declaration order, as the converter lists them.
  task.name = r.string(info, "name", true).value_or("");
  task.task_id = r.id(info, "task_id", true).value_or("");
  task.agent_id = r.id(info, "agent_id", true).value_or("");
  if (const Value* resources = r.array(info, "resources")) {
    for (rapidjson::SizeType i = 0; i < resources->Size(); ++i) {
      JsonReader::Scope scope(r, "resources[" + std::to_string(i) + "]");
      if ((*resources)[i].IsObject()) read_resource(r, (*resources)[i], &task);
    }
  }
  task.has_command = r.object(info, "command") != nullptr;
  task.has_executor = r.object(info, "executor") != nullptr;
  read_task_spec(r, info, &task.spec);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  info.Accept(writer);
  task.json.assign(buffer.GetString(), buffer.GetSize());
  return task;
}

void read_task_infos(JsonReader& r, const Value* infos, Operation* operation) {
  if (!infos) return;
  for (rapidjson::SizeType i = 0; i < infos->Size(); ++i) {
    const char* key = operation->type == "LAUNCH" ? "task_infos[" : "tasks[";
    JsonReader::Scope scope(r, key + std::to_string(i) + "]");
    if ((*infos)[i].IsObject()) operation->tasks.push_back(read_task(r, (*infos)[i]));
  }
}

void read_operation(JsonReader& r, const Value& op, Operation* operation) {
  operation->type = r.string(op, "type").value_or("UNKNOWN");
  operation->has_id = r.object(op, "id") != nullptr;
  if (operation->type == "LAUNCH") {
    if (const Value* launch = r.object(op, "launch")) {
      JsonReader::Scope scope(r, "launch");
      read_task_infos(r, r.array(*launch, "task_infos"), operation);
    }
  } else if (operation->type == "LAUNCH_GROUP") {
    if (const Value* group = r.object(op, "launch_group")) {
      JsonReader::Scope scope(r, "launch_group");
      r.object(*group, "executor", true);
      if (const Value* tg = r.object(*group, "task_group", true)) {
        JsonReader::Scope inner(r, "task_group");
        read_task_infos(r, r.array(*tg, "tasks"), operation);
      }
    }
  }
}

void read_operations(JsonReader& r, const Value& accept, Call* call) {
  const Value* ops = r.array(accept, "operations");
  if (!ops) return;
  for (rapidjson::SizeType i = 0; i < ops->Size(); ++i) {
    if (!(*ops)[i].IsObject()) continue;
    JsonReader::Scope scope(r, "operations[" + std::to_string(i) + "]");
    Operation operation;
    read_operation(r, (*ops)[i], &operation);
    call->operations.push_back(std::move(operation));
  }
}

void read_offer_ids(JsonReader& r, const Value& sub, Call* call) {
  if (const Value* ids = r.array(sub, "offer_ids")) {
    for (rapidjson::SizeType i = 0; i < ids->Size(); ++i) {
      const Value& id = (*ids)[i];
      if (!id.IsObject()) {
        r.wrong_kind(id, "offer_ids");
        return;
      }
      JsonReader::Scope scope(r, "offer_ids[" + std::to_string(i) + "]");
      call->offer_ids.push_back(r.string(id, "value", true).value_or(""));
    }
  }
  if (const Value* filters = r.object(sub, "filters")) {
    call->refuse_seconds = r.number(*filters, "refuse_seconds");
  }
}

void read_framework_info(JsonReader& r, const Value& info, FrameworkInfo* fi) {
  fi->user = r.string(info, "user", true).value_or("");
  fi->name = r.string(info, "name", true).value_or("");
  fi->id = r.id(info, "id");
  fi->principal = r.string(info, "principal").value_or("");
  fi->principal_set = r.member(info, "principal") != nullptr;
  fi->hostname = r.string(info, "hostname").value_or("");
  fi->failover_timeout = r.number(info, "failover_timeout").value_or(0);
  if (const Value* caps = r.array(info, "capabilities")) {
    for (const auto& cap : caps->GetArray()) {
      // An unknown name of this optional enum reads as unset.
      auto type = cap.IsObject() ? r.string(cap, "type") : std::nullopt;
      fi->multi_role |= type == "MULTI_ROLE";
      fi->partition_aware |= type == "PARTITION_AWARE";
      fi->task_killing_state |= type == "TASK_KILLING_STATE";
      fi->gpu_resources |= type == "GPU_RESOURCES";
    }
  }
  fi->roles = r.strings(info, "roles");
  fi->roles_set = !fi->roles.empty();
  auto role = r.string(info, "role");
  fi->role_set = role.has_value();
  if (!fi->multi_role && fi->roles.empty()) fi->roles = {role.value_or("*")};
}

// SUBSCRIBE and UPDATE_FRAMEWORK carry the same framework_info and suppressed_roles.
void read_framework_sub(JsonReader& r, const Value& sub, Call* call) {
  if (const Value* info = r.object(sub, "framework_info", true)) {
    JsonReader::Scope scope(r, "framework_info");
    read_framework_info(r, *info, &call->framework_info);
  }
  call->suppressed_roles = r.strings(sub, "suppressed_roles");
}

void read_acknowledge(JsonReader& r, const Value& sub, Call* call) {
  call->agent_id = r.id(sub, "agent_id", true);
  call->task_id = r.id(sub, "task_id", true).value_or("");
  call->uuid = r.bytes(sub, "uuid", true).value_or("");
}

void read_reconcile(JsonReader& r, const Value& sub, Call* call) {
  const Value* tasks = r.array(sub, "tasks");
  if (!tasks) return;
  for (rapidjson::SizeType i = 0; i < tasks->Size(); ++i) {
    if (!(*tasks)[i].IsObject()) continue;
    JsonReader::Scope scope(r, "tasks[" + std::to_string(i) + "]");
    auto task_id = r.id((*tasks)[i], "task_id", true);
    call->reconcile_tasks.push_back({task_id.value_or(""), r.id((*tasks)[i], "agent_id")});
  }
}

// The sub-message of each call type the core acts on (conversion only; validation follows).
void read_sub(JsonReader& r, const Value& sub, Call* call) {
  switch (call->type) {
    case CallType::SUBSCRIBE:
    case CallType::UPDATE_FRAMEWORK:
      return read_framework_sub(r, sub, call);
    case CallType::ACCEPT:
      read_offer_ids(r, sub, call);
      return read_operations(r, sub, call);
    case CallType::DECLINE:
      return read_offer_ids(r, sub, call);
    case CallType::SUPPRESS:
    case CallType::REVIVE:
      call->roles = r.strings(sub, "roles");
      return;
    case CallType::KILL:
      call->task_id = r.id(sub, "task_id", true).value_or("");
      call->agent_id = r.id(sub, "agent_id");
      call->kill_grace_ns = read_kill_policy(r, sub);
      return;
    case CallType::ACKNOWLEDGE:
      return read_acknowledge(r, sub, call);
    case CallType::RECONCILE:
      return read_reconcile(r, sub, call);
    default:
      return;
  }
}

void read_type(JsonReader& r, const Value& doc, Call* call) {
  call->has_type = false;
  auto type = r.string(doc, "type");
  if (!type) return;
  for (const auto& [value, name] : kTypes) {
    if (*type == name) {
      call->type = value;
      call->has_type = true;
    }
  }
  // An unknown name of an optional enum reads as unset: validation reports it.
}

// Call validation (validation::scheduler::call::validate), after the conversion succeeded.
std::string validate(const Call& call, bool has_sub, const char* key) {
  const std::string prefix = "Failed to validate scheduler::Call: ";
  if (!call.has_type) return prefix + "Expecting 'type' to be present";
  if (call.type == CallType::SUBSCRIBE) {
    if (!has_sub) return prefix + "Expecting 'subscribe' to be present";
    if (call.framework_id != call.framework_info.id) {
      return prefix + "'framework_id' differs from 'subscribe.framework_info.id'";
    }
    return "";
  }
  if (!call.framework_id) return prefix + "Expecting 'framework_id' to be present";
  // SUPPRESS and REVIVE may come without theirs (spec A.17).
  bool optional = call.type == CallType::SUPPRESS || call.type == CallType::REVIVE;
  if (key && !has_sub && !optional) return prefix + "Expecting '" + key + "' to be present";
  if (call.type == CallType::ACKNOWLEDGE && call.uuid.size() != 16) {
    return prefix + "Not a valid UUID";
  }
  if (call.type == CallType::UPDATE_FRAMEWORK && call.framework_id != call.framework_info.id) {
    return prefix + "'framework_id' differs from 'update_framework.framework_info.id'";
  }
  return "";
}

}  // namespace

const char* call_type_name(CallType type) {
  for (const auto& [value, name] : kTypes) {
    if (value == type) return name;
  }
  return "UNKNOWN";
}

ParsedCall parse_call(const char* data, size_t size) {
  rapidjson::Document doc;
  doc.Parse(data, size);
  if (doc.HasParseError()) {
    return {std::nullopt, std::string("Failed to parse body into JSON: ") +
                              rapidjson::GetParseError_En(doc.GetParseError())};
  }
  const std::string conversion = "Failed to convert JSON into Call protobuf: ";
  if (!doc.IsObject()) return {std::nullopt, conversion + "Expecting a JSON object"};
  JsonReader r;
  Call call;
  call.framework_id = r.id(doc, "framework_id");
  read_type(r, doc, &call);
  const char* key = call.has_type ? sub_key(call.type) : nullptr;
  const Value* sub = key ? r.object(doc, key) : nullptr;
  if (sub) {
    JsonReader::Scope scope(r, key);
    read_sub(r, *sub, &call);
  }
  if (std::string error = r.conversion_error(); !error.empty()) {
    return {std::nullopt, conversion + error};
  }
  if (std::string error = validate(call, sub != nullptr, key); !error.empty()) {
    return {std::nullopt, error};
  }
  return {std::move(call), ""};
}

}  // namespace mesos_sim
