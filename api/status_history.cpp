#include "api/status_history.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <type_traits>

namespace scale::api {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

long long epoch_ms(std::chrono::system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

template <typename T>
void put(Writer& w, const char* key, const std::optional<T>& value) {
  w.Key(key);
  if (!value) {
    w.Null();
  } else if constexpr (std::is_same_v<T, double>) {
    w.Double(*value);
  } else {
    w.Int64(*value);
  }
}

std::optional<double> number_at(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return std::nullopt;
  const auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsNumber()) return std::nullopt;
  return it->value.GetDouble();
}

}  // namespace

StatusHistory::StatusHistory(size_t capacity, std::chrono::milliseconds interval)
    : capacity_(std::max<size_t>(capacity, 1)), interval_(interval) {
  ring_.reserve(capacity_);
}

bool StatusHistory::due(std::chrono::steady_clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return !last_ || now - *last_ >= interval_;
}

void StatusHistory::add(std::chrono::steady_clock::time_point now, HistorySample sample) {
  std::lock_guard lock(mutex_);
  last_ = now;
  if (ring_.size() < capacity_) {
    ring_.push_back(std::move(sample));
    return;
  }
  ring_[next_] = std::move(sample);
  next_ = (next_ + 1) % capacity_;
}

std::vector<HistorySample> StatusHistory::samples() const {
  std::lock_guard lock(mutex_);
  std::vector<HistorySample> ordered;
  ordered.reserve(ring_.size());
  // Before the ring is full next_ stays 0, so this is the insertion order either way.
  for (size_t i = 0; i < ring_.size(); ++i) ordered.push_back(ring_[(next_ + i) % ring_.size()]);
  return ordered;
}

std::string StatusHistory::to_json(std::chrono::system_clock::time_point now) const {
  const auto ordered = samples();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("interval_s");
  w.Double(std::chrono::duration<double>(interval_).count());
  w.Key("capacity");
  w.Uint64(capacity_);
  w.Key("now_ms");
  w.Int64(epoch_ms(now));
  w.Key("samples");
  w.StartArray();
  for (const auto& sample : ordered) {
    w.StartObject();
    w.Key("time_ms");
    w.Int64(epoch_ms(sample.at));
    put(w, "jobs_launched_per_sec", sample.jobs_launched_per_sec);
    put(w, "jobs_finished_per_sec", sample.jobs_finished_per_sec);
    put(w, "task_updates_per_sec", sample.task_updates_per_sec);
    put(w, "queued", sample.queued);
    put(w, "running", sample.running);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

HistorySample unknown_sample(std::chrono::system_clock::time_point at) {
  HistorySample sample;
  sample.at = at;
  return sample;
}

HistorySample sample_from_status(std::string_view document,
                                 std::chrono::system_clock::time_point at) {
  HistorySample sample = unknown_sample(at);
  rapidjson::Document parsed;
  parsed.Parse(document.data(), document.size());
  if (parsed.HasParseError() || !parsed.IsObject()) return sample;
  const auto scheduler = parsed.FindMember("scheduler");
  if (scheduler == parsed.MemberEnd() || !scheduler->value.IsObject()) return sample;
  const auto metrics = scheduler->value.FindMember("metrics");
  if (metrics == scheduler->value.MemberEnd()) return sample;
  sample.jobs_launched_per_sec = number_at(metrics->value, "jobs_launched_per_sec");
  sample.jobs_finished_per_sec = number_at(metrics->value, "jobs_finished_per_sec");
  sample.task_updates_per_sec = number_at(metrics->value, "task_updates_per_sec");
  return sample;
}

}  // namespace scale::api
