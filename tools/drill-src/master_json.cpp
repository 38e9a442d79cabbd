#include "master_json.h"

#include <rapidjson/document.h>

#include <charconv>

namespace scale::drill {
namespace {

using Value = rapidjson::Value;

std::string str(const Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsString() ? v[key].GetString() : "";
}

bool flag(const Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsBool() && v[key].GetBool();
}

double number(const Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsNumber() ? v[key].GetDouble() : 0;
}

const Value* array(const Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsArray() ? &v[key] : nullptr;
}

std::string container_of(const Value& task) {
  const Value* statuses = array(task, "statuses");
  if (!statuses) return "";
  for (const auto& s : statuses->GetArray()) {
    if (!s.IsObject() || !s.HasMember("container_status")) continue;
    const Value& cs = s["container_status"];
    if (cs.IsObject() && cs.HasMember("container_id")) {
      std::string id = str(cs["container_id"], "value");
      if (!id.empty()) return id;
    }
  }
  return "";
}

MasterFramework framework_of(const Value& f) {
  MasterFramework out;
  out.id = str(f, "id");
  out.name = str(f, "name");
  out.active = flag(f, "active");
  out.connected = flag(f, "connected");
  out.reregistered_time = number(f, "reregistered_time");
  return out;
}

void add_tasks(const Value& framework, const char* key, std::vector<MasterTask>& out) {
  const Value* tasks = array(framework, key);
  if (!tasks) return;
  for (const auto& t : tasks->GetArray()) {
    MasterTask task;
    task.id = str(t, "id");
    if (task.id.empty()) continue;
    task.framework_id = str(t, "framework_id");
    task.agent_id = str(t, "slave_id");
    task.state = str(t, "state");
    task.container_id = container_of(t);
    out.push_back(std::move(task));
  }
}

}  // namespace

std::optional<MasterFrameworks> parse_master_frameworks(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const Value* frameworks = array(doc, "frameworks");
  if (!frameworks) return std::nullopt;
  MasterFrameworks out;
  for (const auto& f : frameworks->GetArray()) {
    out.frameworks.push_back(framework_of(f));
    for (const char* key : {"tasks", "unreachable_tasks", "completed_tasks"}) {
      add_tasks(f, key, out.tasks);
    }
  }
  if (const Value* completed = array(doc, "completed_frameworks")) {
    for (const auto& f : completed->GetArray()) out.completed.push_back(framework_of(f));
  }
  return out;
}

std::optional<std::vector<MasterAgent>> parse_master_slaves(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const Value* slaves = array(doc, "slaves");
  if (!slaves) return std::nullopt;
  std::vector<MasterAgent> out;
  for (const auto& s : slaves->GetArray()) {
    MasterAgent agent;
    agent.id = str(s, "id");
    agent.active = flag(s, "active");
    const std::string pid = str(s, "pid");  // slave(1)@127.0.0.1:5051
    if (auto colon = pid.rfind(':'); colon != std::string::npos) {
      std::from_chars(pid.data() + colon + 1, pid.data() + pid.size(), agent.port);
    }
    out.push_back(std::move(agent));
  }
  return out;
}

std::optional<int> redirect_port(const std::string& location) {
  const size_t host = location.rfind("//");
  if (host == std::string::npos) return std::nullopt;
  const size_t colon = location.find(':', host);
  if (colon == std::string::npos) return std::nullopt;
  int port = 0;
  auto [end, ec] =
      std::from_chars(location.data() + colon + 1, location.data() + location.size(), port);
  if (ec != std::errc() || port <= 0) return std::nullopt;
  (void)end;
  return port;
}

bool terminal_task_state(const std::string& state) {
  for (const char* terminal :
       {"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR", "TASK_DROPPED",
        "TASK_GONE", "TASK_GONE_BY_OPERATOR"}) {
    if (state == terminal) return true;
  }
  return false;
}

}  // namespace scale::drill
