#include "scheduler/mesos/event_codec.h"

#include <rapidjson/document.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace scale::mesos {
namespace {

using Value = rapidjson::Value;

const Value* member(const Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

std::string string_of(const Value& object, const char* key) {
  const Value* v = member(object, key);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

// ID wrappers are {"value": "..."} objects (spec A.2 rule 4).
std::string id_of(const Value& object, const char* key) {
  const Value* v = member(object, key);
  return v ? string_of(*v, "value") : std::string();
}

double number_of(const Value& object, const char* key, double fallback = 0) {
  const Value* v = member(object, key);
  // RapidJSON 1.1 reads an out-of-range number ("1.5e309") as infinity without an error; an
  // infinite heartbeat or resource must not reach the watchdog or the matcher.
  return v && v->IsNumber() && std::isfinite(v->GetDouble()) ? v->GetDouble() : fallback;
}

// TimeInfo/DurationInfo {"nanoseconds": int64}: a JSON number, or a string (proto3 JSON writes
// int64 that way); 0 when absent or not finite.
double nanoseconds_of(const Value& object) {
  const Value* v = member(object, "nanoseconds");
  if (v && v->IsString()) {
    char* end = nullptr;
    const double value = std::strtod(v->GetString(), &end);
    return end != v->GetString() && std::isfinite(value) ? value : 0;
  }
  return number_of(object, "nanoseconds");
}

// An integer field read as a number, or 0 when it is absent or outside [lo, hi]: casting a double
// the target type cannot hold (-1 to uint64_t, 1e12 to int) is undefined behaviour.
template <typename Int>
Int integer_of(const Value& object, const char* key, double lo, double hi) {
  const double value = number_of(object, key);
  return value >= lo && value <= hi ? static_cast<Int>(value) : Int{0};
}

Resource decode_resource(const Value& v) {
  Resource r;
  r.name = string_of(v, "name");
  r.type = string_of(v, "type");
  if (const Value* scalar = member(v, "scalar")) r.scalar = number_of(*scalar, "value");
  if (const Value* ranges = member(v, "ranges")) {
    const Value* list = member(*ranges, "range");
    if (list && list->IsArray()) {
      for (const auto& range : list->GetArray()) {
        // 2^64 itself is a double but not a uint64_t, hence the bound just below it.
        constexpr double kBelow2To64 = 18446744073709549568.0;
        r.ranges.emplace_back(integer_of<uint64_t>(range, "begin", 0, kBelow2To64),
                              integer_of<uint64_t>(range, "end", 0, kBelow2To64));
      }
    }
  }
  if (const Value* set = member(v, "set")) {
    const Value* items = member(*set, "item");
    if (items && items->IsArray()) {
      for (const auto& item : items->GetArray()) {
        if (item.IsString()) r.set.emplace_back(item.GetString(), item.GetStringLength());
      }
    }
  }
  if (const Value* allocation = member(v, "allocation_info")) {
    r.allocation_role = string_of(*allocation, "role");
  }
  return r;
}

Offer decode_offer(const Value& v) {
  Offer offer;
  offer.id = id_of(v, "id");
  offer.framework_id = id_of(v, "framework_id");
  offer.agent_id = id_of(v, "agent_id");
  offer.hostname = string_of(v, "hostname");
  if (const Value* allocation = member(v, "allocation_info")) {
    offer.allocation_role = string_of(*allocation, "role");
  }
  const Value* resources = member(v, "resources");
  if (resources && resources->IsArray()) {
    for (const auto& r : resources->GetArray()) offer.resources.push_back(decode_resource(r));
  }
  const Value* attributes = member(v, "attributes");
  if (attributes && attributes->IsArray()) {
    for (const auto& a : attributes->GetArray()) {
      const Value* text = member(a, "text");
      if (text) offer.text_attributes.emplace_back(string_of(a, "name"), string_of(*text, "value"));
    }
  }
  return offer;
}

TaskStatus decode_task_status(const Value& v) {
  TaskStatus s;
  s.task_id = id_of(v, "task_id");
  s.state = string_of(v, "state");
  s.source = string_of(v, "source");
  s.reason = string_of(v, "reason");
  s.message = string_of(v, "message");
  s.agent_id = id_of(v, "agent_id");
  s.executor_id = id_of(v, "executor_id");
  s.timestamp = number_of(v, "timestamp");
  if (const Value* unreachable = member(v, "unreachable_time")) {
    s.unreachable_time = nanoseconds_of(*unreachable) / 1e9;
  }
  const Value* uuid = member(v, "uuid");
  if (uuid && uuid->IsString() && uuid->GetStringLength() > 0) {
    s.uuid = std::string(uuid->GetString(), uuid->GetStringLength());
  }
  const Value* healthy = member(v, "healthy");
  if (healthy && healthy->IsBool()) s.healthy = healthy->GetBool();
  return s;
}

bool decode_master_address(const Value& info, MasterAddress* address) {
  const Value* nested = member(info, "address");
  if (nested) {
    address->hostname = string_of(*nested, "hostname");
    address->ip = string_of(*nested, "ip");
    address->port = integer_of<int>(*nested, "port", 0, 65535);
  }
  if (address->hostname.empty()) address->hostname = string_of(info, "hostname");
  if (address->port == 0) address->port = integer_of<int>(info, "port", 0, 65535);
  return (!address->hostname.empty() || !address->ip.empty()) && address->port > 0;
}

const std::pair<const char*, EventType> kEventTypes[] = {
    {"SUBSCRIBED", EventType::Subscribed},
    {"OFFERS", EventType::Offers},
    {"INVERSE_OFFERS", EventType::InverseOffers},
    {"RESCIND", EventType::Rescind},
    {"RESCIND_INVERSE_OFFER", EventType::RescindInverseOffer},
    {"UPDATE", EventType::Update},
    {"UPDATE_OPERATION_STATUS", EventType::UpdateOperationStatus},
    {"MESSAGE", EventType::Message},
    {"FAILURE", EventType::Failure},
    {"ERROR", EventType::Error},
    {"HEARTBEAT", EventType::Heartbeat},
};

// Sub-object key of each type that carries one (spec A.6).
const char* payload_key(EventType type) {
  switch (type) {
    case EventType::Subscribed:
      return "subscribed";
    case EventType::Offers:
      return "offers";
    case EventType::InverseOffers:
      return "inverse_offers";
    case EventType::Rescind:
      return "rescind";
    case EventType::RescindInverseOffer:
      return "rescind_inverse_offer";
    case EventType::Update:
      return "update";
    case EventType::UpdateOperationStatus:
      return "update_operation_status";
    case EventType::Message:
      return "message";
    case EventType::Failure:
      return "failure";
    case EventType::Error:
      return "error";
    default:
      return nullptr;
  }
}

void decode_payload(const Value& p, Event* event) {
  switch (event->type) {
    case EventType::Subscribed: {
      event->subscribed.framework_id = id_of(p, "framework_id");
      event->subscribed.heartbeat_interval_seconds = number_of(p, "heartbeat_interval_seconds");
      MasterAddress address;
      const Value* info = member(p, "master_info");
      if (info && decode_master_address(*info, &address)) event->subscribed.master = address;
      break;
    }
    case EventType::Offers: {
      const Value* offers = member(p, "offers");
      if (offers && offers->IsArray()) {
        for (const auto& o : offers->GetArray()) event->offers.push_back(decode_offer(o));
      }
      break;
    }
    case EventType::InverseOffers: {
      const Value* offers = member(p, "inverse_offers");
      if (offers && offers->IsArray()) {
        for (const auto& o : offers->GetArray()) event->inverse_offer_ids.push_back(id_of(o, "id"));
      }
      break;
    }
    case EventType::Rescind:
      event->rescinded_offer_id = id_of(p, "offer_id");
      break;
    case EventType::RescindInverseOffer:
      event->rescinded_offer_id = id_of(p, "inverse_offer_id");
      break;
    case EventType::Update:
      if (const Value* status = member(p, "status")) event->status = decode_task_status(*status);
      break;
    case EventType::Message:
      event->message = {id_of(p, "agent_id"), id_of(p, "executor_id"), string_of(p, "data")};
      break;
    case EventType::Failure: {
      event->failure.agent_id = id_of(p, "agent_id");
      event->failure.executor_id = id_of(p, "executor_id");
      const Value* status = member(p, "status");
      if (status && status->IsInt()) event->failure.status = status->GetInt();
      break;
    }
    case EventType::Error:
      event->error_message = string_of(p, "message");
      break;
    default:
      break;
  }
}

bool validate_required(const Event& event, std::string* error) {
  if (event.type == EventType::Subscribed && event.subscribed.framework_id.empty()) {
    *error = "SUBSCRIBED without framework_id";
    return false;
  }
  if (event.type == EventType::Update &&
      (event.status.task_id.empty() || event.status.state.empty())) {
    *error = "UPDATE without status.task_id or status.state";
    return false;
  }
  return true;
}

}  // namespace

const char* to_string(EventType type) {
  for (const auto& [name, value] : kEventTypes) {
    if (value == type) return name;
  }
  return "UNKNOWN";
}

bool is_terminal_task_state(const std::string& state) {
  for (const char* terminal :
       {"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR", "TASK_DROPPED",
        "TASK_GONE", "TASK_GONE_BY_OPERATOR"}) {
    if (state == terminal) return true;
  }
  return false;
}

bool decode_event(std::string_view json, Event* event, std::string* error) {
  rapidjson::Document doc;
  // Iterative: a record of 60,000 '[' (records may be 64 MiB) must not overflow the stream
  // reader's stack.
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    *error = "event is not a JSON object";
    return false;
  }
  const Value* type = member(doc, "type");
  if (!type || !type->IsString()) {
    *error = "event has no string `type`";
    return false;
  }
  *event = Event{};
  event->type_name.assign(type->GetString(), type->GetStringLength());
  for (const auto& [name, value] : kEventTypes) {
    if (event->type_name == name) event->type = value;
  }
  if (const char* key = payload_key(event->type)) {
    const Value* payload = member(doc, key);
    if (!payload || !payload->IsObject()) {
      *error = event->type_name + " event without its `" + key + "` object";
      return false;
    }
    decode_payload(*payload, event);
  }
  return validate_required(*event, error);
}

}  // namespace scale::mesos
