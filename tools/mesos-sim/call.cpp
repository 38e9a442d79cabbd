#include "call.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <array>
#include <string_view>

#include "base64.h"

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

// Sub-message key per call type; SUPPRESS/REVIVE's are optional (spec A.17).
const char* sub_key(CallType type) {
  switch (type) {
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

// Collects the first error; every getter is a no-op once one happened.
struct Reader {
  std::string error;

  bool fail(std::string message) {
    if (error.empty()) error = std::move(message);
    return false;
  }
  const Value* member(const Value& obj, const char* key) {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }
  const Value* object(const Value& obj, const char* key) {
    const Value* v = member(obj, key);
    if (v && !v->IsObject()) fail(std::string("Expecting JSON object for '") + key + "'");
    return v && v->IsObject() ? v : nullptr;
  }
  std::optional<std::string> string(const Value& obj, const char* key) {
    const Value* v = member(obj, key);
    if (!v) return std::nullopt;
    if (!v->IsString()) return fail(std::string("Expecting JSON string for '") + key + "'"), "";
    return std::string(v->GetString(), v->GetStringLength());
  }
  // ID wrappers are objects {"value": "..."}; a bare string is an error (spec A.2 rule 4).
  std::optional<std::string> id(const Value& obj, const char* key) {
    const Value* v = object(obj, key);
    if (!v) return std::nullopt;
    auto value = string(*v, "value");
    if (!value) fail(std::string("Missing required fields: ") + key + ".value");
    return value;
  }
  std::vector<std::string> strings(const Value& obj, const char* key) {
    std::vector<std::string> out;
    const Value* v = member(obj, key);
    if (!v) return out;
    if (!v->IsArray()) return fail(std::string("Expecting JSON array for '") + key + "'"), out;
    for (const auto& item : v->GetArray()) {
      if (!item.IsString())
        return fail("Expecting JSON strings in '" + std::string(key) + "'"), out;
      out.emplace_back(item.GetString(), item.GetStringLength());
    }
    return out;
  }
  const Value* array(const Value& obj, const char* key) {
    const Value* v = member(obj, key);
    if (v && !v->IsArray()) fail(std::string("Expecting JSON array for '") + key + "'");
    return v && v->IsArray() ? v : nullptr;
  }
  double number(const Value& obj, const char* key, double fallback) {
    const Value* v = member(obj, key);
    if (!v) return fallback;
    if (!v->IsNumber()) return fail(std::string("Expecting JSON number for '") + key + "'"), 0;
    return v->GetDouble();
  }
};

void read_resource(Reader& r, const Value& res, TaskLaunch* task) {
  auto name = r.string(res, "name");
  auto type = r.string(res, "type");
  if (!name || !type) {
    r.fail("Missing required fields: resources.name, resources.type");
    return;
  }
  ++task->resource_count;
  const Value* scalar = r.object(res, "scalar");
  if (*type != "SCALAR" || !scalar) {
    task->unsupported_resource = true;
    return;
  }
  double value = r.number(*scalar, "value", 0);
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

TaskLaunch read_task(Reader& r, const Value& info) {
  TaskLaunch task;
  task.name = r.string(info, "name").value_or("");
  auto task_id = r.id(info, "task_id");
  auto agent_id = r.id(info, "agent_id");
  if (!info.HasMember("name") || !task_id || !agent_id) {
    r.fail("Missing required fields: name, task_id, agent_id");
    return task;
  }
  task.task_id = *task_id;
  task.agent_id = *agent_id;
  if (const Value* resources = r.array(info, "resources")) {
    for (const auto& res : resources->GetArray()) {
      if (res.IsObject()) read_resource(r, res, &task);
    }
  }
  task.has_command = r.object(info, "command") != nullptr;
  task.has_executor = r.object(info, "executor") != nullptr;
  return task;
}

void read_operations(Reader& r, const Value& accept, Call* call) {
  const Value* ops = r.array(accept, "operations");
  if (!ops) return;
  for (const auto& op : ops->GetArray()) {
    if (!op.IsObject()) continue;
    Operation operation;
    operation.type = r.string(op, "type").value_or("UNKNOWN");
    operation.has_id = r.object(op, "id") != nullptr;
    const Value* infos = nullptr;
    if (operation.type == "LAUNCH") {
      if (const Value* launch = r.object(op, "launch")) infos = r.array(*launch, "task_infos");
    } else if (operation.type == "LAUNCH_GROUP") {
      const Value* group = r.object(op, "launch_group");
      const Value* tg = group ? r.object(*group, "task_group") : nullptr;
      infos = tg ? r.array(*tg, "tasks") : nullptr;
    }
    if (infos) {
      for (const auto& info : infos->GetArray()) {
        if (info.IsObject()) operation.tasks.push_back(read_task(r, info));
      }
    }
    call->operations.push_back(std::move(operation));
  }
}

void read_offer_ids(Reader& r, const Value& sub, Call* call) {
  if (const Value* ids = r.array(sub, "offer_ids")) {
    for (const auto& id : ids->GetArray()) {
      const Value* value = id.IsObject() ? r.member(id, "value") : nullptr;
      if (!value || !value->IsString()) {
        r.fail("Missing required fields: offer_ids.value");
        return;
      }
      call->offer_ids.emplace_back(value->GetString(), value->GetStringLength());
    }
  }
  if (const Value* filters = r.object(sub, "filters")) {
    if (r.member(*filters, "refuse_seconds")) {
      call->refuse_seconds = r.number(*filters, "refuse_seconds", 5);
    }
  }
}

void read_framework_info(Reader& r, const Value& info, FrameworkInfo* fi) {
  auto user = r.string(info, "user");
  auto name = r.string(info, "name");
  if (!user || !name) {
    r.fail("Missing required fields: framework_info.user, framework_info.name");
    return;
  }
  fi->user = *user;
  fi->name = *name;
  fi->id = r.id(info, "id");
  fi->principal = r.string(info, "principal").value_or("");
  fi->hostname = r.string(info, "hostname").value_or("");
  fi->failover_timeout = r.number(info, "failover_timeout", 0);
  if (const Value* caps = r.array(info, "capabilities")) {
    for (const auto& cap : caps->GetArray()) {
      auto type = cap.IsObject() ? r.string(cap, "type") : std::nullopt;
      fi->multi_role |= type == "MULTI_ROLE";
      fi->partition_aware |= type == "PARTITION_AWARE";
      fi->task_killing_state |= type == "TASK_KILLING_STATE";
    }
  }
  fi->roles = r.strings(info, "roles");
  fi->roles_set = !fi->roles.empty();
  auto role = r.string(info, "role");
  fi->role_set = role.has_value();
  if (!fi->multi_role && fi->roles.empty()) fi->roles = {role.value_or("*")};
}

// The sub-message of each call type the core acts on.
void read_sub(Reader& r, const Value* sub, Call* call) {
  switch (call->type) {
    case CallType::SUBSCRIBE:
      if (const Value* info = r.object(*sub, "framework_info")) {
        read_framework_info(r, *info, &call->framework_info);
      } else {
        r.fail("Expecting 'subscribe.framework_info' to be present");
      }
      call->suppressed_roles = r.strings(*sub, "suppressed_roles");
      break;
    case CallType::ACCEPT:
      read_offer_ids(r, *sub, call);
      read_operations(r, *sub, call);
      break;
    case CallType::DECLINE:
      read_offer_ids(r, *sub, call);
      break;
    case CallType::SUPPRESS:
    case CallType::REVIVE:
      if (sub) call->roles = r.strings(*sub, "roles");
      break;
    case CallType::KILL:
      call->task_id = r.id(*sub, "task_id").value_or("");
      call->agent_id = r.id(*sub, "agent_id");
      if (!r.member(*sub, "task_id")) r.fail("Missing required fields: kill.task_id");
      break;
    case CallType::ACKNOWLEDGE: {
      auto task_id = r.id(*sub, "task_id");
      call->agent_id = r.id(*sub, "agent_id");
      auto uuid = r.string(*sub, "uuid");
      if (!task_id || !call->agent_id || !uuid) {
        r.fail("Missing required fields: acknowledge.agent_id, task_id, uuid");
        break;
      }
      call->task_id = *task_id;
      auto raw = base64_decode(*uuid);
      if (!raw || raw->size() != 16) {
        r.fail("Failed to validate scheduler::Call: Not a valid UUID");
        break;
      }
      call->uuid = *raw;
      break;
    }
    case CallType::RECONCILE:
      if (const Value* tasks = r.array(*sub, "tasks")) {
        for (const auto& t : tasks->GetArray()) {
          auto task_id = t.IsObject() ? r.id(t, "task_id") : std::nullopt;
          if (!task_id) {
            r.fail("Missing required fields: reconcile.tasks.task_id");
            break;
          }
          call->reconcile_tasks.push_back({*task_id, r.id(t, "agent_id")});
        }
      }
      break;
    default:
      break;
  }
}

bool read_type(Reader& r, const Value& doc, Call* call) {
  auto type = r.string(doc, "type");
  if (type) {
    for (const auto& [value, name] : kTypes) {
      if (*type == name) {
        call->type = value;
        return true;
      }
    }
  }
  // An unknown name of an optional enum reads as unset.
  return r.fail("Failed to validate scheduler::Call: Expecting 'type' to be present");
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
  if (doc.HasParseError() || !doc.IsObject()) {
    std::string why = doc.HasParseError() ? rapidjson::GetParseError_En(doc.GetParseError())
                                          : "not a JSON object";
    return {std::nullopt, "Failed to convert JSON into Call protobuf: " + why};
  }
  Reader r;
  Call call;
  call.framework_id = r.id(doc, "framework_id");
  if (!r.error.empty()) return {std::nullopt, r.error};
  if (!read_type(r, doc, &call)) return {std::nullopt, r.error};
  const char* key = sub_key(call.type);
  const Value* sub = key ? r.object(doc, key) : nullptr;
  if (call.type == CallType::SUPPRESS || call.type == CallType::REVIVE) {
    sub = r.object(doc, call.type == CallType::SUPPRESS ? "suppress" : "revive");
  }
  if (key && !sub) {
    return {std::nullopt, "Failed to validate scheduler::Call: Expecting '" + std::string(key) +
                              "' to be present"};
  }
  if (call.type != CallType::SUBSCRIBE && !call.framework_id) {
    return {std::nullopt,
            "Failed to validate scheduler::Call: Expecting 'framework_id' to be present"};
  }
  read_sub(r, sub, &call);
  if (!r.error.empty()) return {std::nullopt, r.error};
  if (call.type == CallType::SUBSCRIBE && call.framework_id != call.framework_info.id) {
    return {std::nullopt,
            "Failed to validate scheduler::Call: 'framework_id' differs from "
            "'subscribe.framework_info.id'"};
  }
  return {std::move(call), ""};
}

}  // namespace mesos_sim
