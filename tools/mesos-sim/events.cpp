#include "events.h"

#include <arpa/inet.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>

#include "base64.h"

namespace mesos_sim {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void id_object(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.StartObject();
  w.Key("value");
  w.String(value);
  w.EndObject();
}

void write_master_info(Writer& w, const MasterInfo& info) {
  in_addr addr{};
  inet_pton(AF_INET, info.ip.c_str(), &addr);
  w.StartObject();
  w.Key("id");
  w.String(info.id);
  w.Key("ip");  // deprecated uint32 in network byte order
  w.Uint(addr.s_addr);
  w.Key("port");
  w.Uint(info.port);
  w.Key("pid");
  w.String("master@" + info.ip + ":" + std::to_string(info.port));
  w.Key("hostname");
  w.String(info.hostname);
  w.Key("version");
  w.String(info.version);
  w.Key("address");
  w.StartObject();
  w.Key("hostname");
  w.String(info.hostname);
  w.Key("ip");
  w.String(info.ip);
  w.Key("port");
  w.Int(info.port);
  w.EndObject();
  w.Key("capabilities");
  w.StartArray();
  for (const char* cap : {"AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2"}) {
    w.StartObject();
    w.Key("type");
    w.String(cap);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// An offered resource: unreserved ("role":"*", the deprecated field the master still fills in)
// and, for MULTI_ROLE frameworks, allocated to the offer's role.
// "allocation_info":{"role":...}, for a MULTI_ROLE framework only (role set).
void allocation_info(Writer& w, const std::string* role) {
  if (role == nullptr) return;
  w.Key("allocation_info");
  w.StartObject();
  w.Key("role");
  w.String(*role);
  w.EndObject();
}

void scalar(Writer& w, const char* name, double value, const std::string* role) {
  w.StartObject();
  w.Key("name");
  w.String(name);
  w.Key("type");
  w.String("SCALAR");
  w.Key("scalar");
  w.StartObject();
  w.Key("value");
  w.Double(value);
  w.EndObject();
  w.Key("role");
  w.String("*");
  allocation_info(w, role);
  w.EndObject();
}

// The agent's address as offers carry it; simulated agents all claim the default agent port.
void agent_url(Writer& w, const Agent& agent) {
  w.Key("url");
  w.StartObject();
  w.Key("scheme");
  w.String("http");
  w.Key("address");
  w.StartObject();
  w.Key("hostname");
  w.String(agent.hostname);
  w.Key("ip");
  w.String("127.0.0.1");
  w.Key("port");
  w.Int(5051);
  w.EndObject();
  w.Key("path");
  w.String("/slave(1)");
  w.EndObject();
}

std::string text(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

double wall_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string master_info_json(const MasterInfo& info) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_master_info(w, info);
  return text(buffer);
}

std::string subscribed_event(const std::string& framework_id, double heartbeat_s,
                             const MasterInfo& info) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("type");
  w.String("SUBSCRIBED");
  w.Key("subscribed");
  w.StartObject();
  id_object(w, "framework_id", framework_id);
  w.Key("heartbeat_interval_seconds");
  w.Double(heartbeat_s);
  w.Key("master_info");
  write_master_info(w, info);
  w.EndObject();
  w.EndObject();
  return text(buffer);
}

std::string heartbeat_event() {
  return R"({"type":"HEARTBEAT"})";
}

std::string error_event(const std::string& message) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("type");
  w.String("ERROR");
  w.Key("error");
  w.StartObject();
  w.Key("message");
  w.String(message);
  w.EndObject();
  w.EndObject();
  return text(buffer);
}

std::string rescind_event(const std::string& offer_id) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("type");
  w.String("RESCIND");
  w.Key("rescind");
  w.StartObject();
  id_object(w, "offer_id", offer_id);
  w.EndObject();
  w.EndObject();
  return text(buffer);
}

std::string failure_event(const std::string& agent_id) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("type");
  w.String("FAILURE");
  w.Key("failure");
  w.StartObject();
  id_object(w, "agent_id", agent_id);
  w.EndObject();
  w.EndObject();
  return text(buffer);
}

std::string update_event(const StatusView& s) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("type");
  w.String("UPDATE");
  w.Key("update");
  w.StartObject();
  w.Key("status");
  w.StartObject();
  id_object(w, "task_id", s.task_id);
  w.Key("state");
  w.String(task_state_name(s.state));
  if (!s.message.empty()) {  // the master's field order
    w.Key("message");
    w.String(s.message);
  }
  w.Key("source");
  w.String(s.source);
  if (!s.reason.empty()) {
    w.Key("reason");
    w.String(s.reason);
  }
  if (!s.agent_id.empty()) id_object(w, "agent_id", s.agent_id);
  if (!s.executor_id.empty()) id_object(w, "executor_id", s.executor_id);
  w.Key("timestamp");
  w.Double(s.timestamp);
  if (!s.uuid.empty()) {
    w.Key("uuid");
    w.String(base64_encode(s.uuid));
  }
  if (s.unreachable_time >= 0) {
    w.Key("unreachable_time");
    w.StartObject();
    w.Key("nanoseconds");
    w.Int64(static_cast<int64_t>(s.unreachable_time * 1e9));
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return text(buffer);
}

void OffersEvent::add(const Offer& offer, const Agent& agent, bool multi_role) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  id_object(w, "id", offer.id);
  id_object(w, "framework_id", offer.framework_id);
  id_object(w, "agent_id", agent.id);
  w.Key("hostname");
  w.String(agent.hostname);
  agent_url(w, agent);
  const std::string* role = multi_role ? &offer.role : nullptr;
  w.Key("resources");
  w.StartArray();
  const Resources& r = offer.resources;
  if (r.cpus > 0) scalar(w, "cpus", r.cpus, role);
  if (r.mem > 0) scalar(w, "mem", r.mem, role);
  if (r.disk > 0) scalar(w, "disk", r.disk, role);
  if (r.gpus > 0) scalar(w, "gpus", r.gpus, role);
  w.EndArray();
  allocation_info(w, role);
  w.EndObject();
  if (count_++ > 0) offers_ += ',';
  offers_.append(buffer.GetString(), buffer.GetSize());
}

std::string OffersEvent::finish() {
  std::string out = R"({"type":"OFFERS","offers":{"offers":[)" + offers_ + "]}}";
  offers_.clear();
  count_ = 0;
  return out;
}

}  // namespace mesos_sim
