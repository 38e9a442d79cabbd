#include "scheduler_calls.h"

namespace mesos_sim::test {

std::string task_info(const std::string& task, const std::string& agent,
                      const std::string& command) {
  return R"({"name":")" + task + R"(","task_id":{"value":")" + task +
         R"("},"agent_id":{"value":")" + agent + R"("},"command":{"value":")" + command +
         R"("},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":0.1},)"
         R"("allocation_info":{"role":"r"}}]})";
}

std::string accept_call(const std::string& fw, const std::string& offer,
                        const std::vector<std::string>& task_infos,
                        const std::string& extra_operations) {
  std::string infos;
  for (const auto& info : task_infos) infos += (infos.empty() ? "" : ",") + info;
  return R"({"type":"ACCEPT","framework_id":{"value":")" + fw +
         R"("},"accept":{"offer_ids":[{"value":")" + offer +
         R"("}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[)" + infos + "]}}" +
         extra_operations + R"(],"filters":{"refuse_seconds":0}}})";
}

std::string ack_call(const std::string& fw, const rapidjson::Value& status) {
  return R"({"type":"ACKNOWLEDGE","framework_id":{"value":")" + fw +
         R"("},"acknowledge":{"agent_id":{"value":")" + status["agent_id"]["value"].GetString() +
         R"("},"task_id":{"value":")" + status["task_id"]["value"].GetString() + R"("},"uuid":")" +
         status["uuid"].GetString() + R"("}})";
}

std::string reconcile_call(const std::string& fw, const std::string& tasks) {
  return R"({"type":"RECONCILE","framework_id":{"value":")" + fw + R"("},"reconcile":{"tasks":[)" +
         tasks + "]}}";
}

std::string kill_call(const std::string& fw, const std::string& task) {
  return R"({"type":"KILL","framework_id":{"value":")" + fw + R"("},"kill":{"task_id":{"value":")" +
         task + R"("}}})";
}

FirstOffer first_offer(Subscriber& sub, std::chrono::milliseconds timeout) {
  auto offers = sub.next("OFFERS", timeout);
  if (!offers) return {};
  const auto& offer = (*offers)["offers"]["offers"][0];
  return {offer["id"]["value"].GetString(), offer["agent_id"]["value"].GetString()};
}

std::optional<rapidjson::Document> next_update(Subscriber& sub, const std::string& task,
                                               std::chrono::milliseconds timeout, bool ack) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto event = sub.next("UPDATE", std::max(left, std::chrono::milliseconds(0)));
    if (!event) return std::nullopt;
    rapidjson::Document status;
    status.CopyFrom((*event)["update"]["status"], status.GetAllocator());
    bool mine = status["task_id"]["value"].GetString() == task;
    if (status.HasMember("uuid") && (ack || !mine)) sub.call(ack_call(sub.framework_id(), status));
    if (mine) return status;
  }
}

std::vector<std::string> states_until(Subscriber& sub, const std::string& task,
                                      const std::string& state, std::chrono::milliseconds timeout) {
  std::vector<std::string> seen;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (seen.empty() || seen.back() != state) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto status = next_update(sub, task, left);
    if (!status) break;
    seen.push_back((*status)["state"].GetString());
  }
  return seen;
}

}  // namespace mesos_sim::test
