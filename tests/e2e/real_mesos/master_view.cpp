#include "tests/e2e/real_mesos/master_view.h"

#include <rapidjson/document.h>

namespace scale::test {
namespace {

rapidjson::Document json_of(const HttpResult& answer) {
  rapidjson::Document doc;
  doc.Parse(answer.body.c_str());
  if (answer.status != 200 || doc.HasParseError() || !doc.IsObject()) doc.SetObject();
  return doc;
}

std::string text(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

bool flag(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

const rapidjson::Value* array(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::map<std::string, MasterTask> master_tasks(const RealMesos& mesos,
                                               const std::string& framework_id) {
  std::map<std::string, MasterTask> tasks;
  const auto doc = json_of(mesos.master_get("/master/tasks?limit=100000"));
  const auto* list = array(doc, "tasks");
  if (list == nullptr) return tasks;
  for (const auto& task : list->GetArray()) {
    if (text(task, "framework_id") != framework_id) continue;
    MasterTask& entry = tasks[text(task, "id")];
    entry.state = text(task, "state");
    entry.agent_id = text(task, "slave_id");
    ++entry.copies;
  }
  return tasks;
}

std::map<std::string, std::string> agent_tasks(const RealMesos& mesos, int agent,
                                               const std::string& framework_id) {
  std::map<std::string, std::string> tasks;
  const auto state = json_of(mesos.agent_get(agent, "/state"));
  auto collect = [&](const rapidjson::Value& executors) {
    for (const auto& executor : executors.GetArray()) {
      for (const char* list_name : {"tasks", "completed_tasks", "queued_tasks"}) {
        const auto* list = array(executor, list_name);
        if (list == nullptr) continue;
        for (const auto& task : list->GetArray()) tasks[text(task, "id")] = text(task, "state");
      }
    }
  };
  for (const char* frameworks_name : {"frameworks", "completed_frameworks"}) {
    const auto* frameworks = array(state, frameworks_name);
    if (frameworks == nullptr) continue;
    for (const auto& framework : frameworks->GetArray()) {
      if (text(framework, "id") != framework_id) continue;
      for (const char* executors_name : {"executors", "completed_executors"}) {
        if (const auto* executors = array(framework, executors_name)) collect(*executors);
      }
    }
  }
  return tasks;
}

MasterMetrics master_metrics(const RealMesos& mesos) {
  MasterMetrics metrics;
  const auto doc = json_of(mesos.master_get("/metrics/snapshot"));
  for (const auto& [key, value] : doc.GetObject()) {
    if (!value.IsNumber()) continue;
    const std::string name = key.GetString();
    const auto count = static_cast<long long>(value.GetDouble());
    if (name == "master/messages_status_update_acknowledgement") metrics.acknowledgements = count;
    if (name == "master/valid_status_updates") metrics.valid_updates = count;
    if (name == "master/invalid_status_update_acknowledgements")
      metrics.invalid_acknowledgements = count;
    if (name.rfind("master/frameworks/", 0) == 0 && ends_with(name, "/calls/subscribe"))
      metrics.subscribe_calls += count;
  }
  return metrics;
}

std::vector<MasterFramework> master_frameworks(const RealMesos& mesos) {
  std::vector<MasterFramework> frameworks;
  const auto doc = json_of(mesos.master_get("/master/frameworks"));
  for (const char* list_name : {"frameworks", "completed_frameworks"}) {
    const auto* list = array(doc, list_name);
    if (list == nullptr) continue;
    for (const auto& f : list->GetArray()) {
      const auto* tasks = array(f, "tasks");
      frameworks.push_back({text(f, "id"), text(f, "name"), flag(f, "active"), flag(f, "connected"),
                            std::string(list_name) == "completed_frameworks",
                            tasks != nullptr ? static_cast<int>(tasks->Size()) : 0});
    }
  }
  return frameworks;
}

bool framework_completed(const RealMesos& mesos, const std::string& framework_id) {
  for (const auto& f : master_frameworks(mesos)) {
    if (f.id == framework_id && f.completed) return true;
  }
  return false;
}

bool framework_suppressed(const RealMesos& mesos, const std::string& framework_id,
                          const std::string& role) {
  const auto doc = json_of(mesos.master_get("/metrics/snapshot"));
  const std::string suffix = "/" + framework_id + "/roles/" + role + "/suppressed";
  for (const auto& [key, value] : doc.GetObject()) {
    if (ends_with(key.GetString(), suffix) && value.IsNumber()) return value.GetDouble() == 1.0;
  }
  return false;
}

}  // namespace scale::test
