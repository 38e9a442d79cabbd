#include "journal.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace mesos_sim {
namespace {

void write_record(rapidjson::Writer<rapidjson::StringBuffer>& w, const LaunchRecord& r) {
  w.StartObject();
  w.Key("seq");
  w.Uint64(r.seq);
  w.Key("time");
  w.Double(r.time);
  w.Key("task_id");
  w.String(r.task_id);
  w.Key("agent_id");
  w.String(r.agent_id);
  w.Key("framework_id");
  w.String(r.framework_id);
  w.Key("stream_id");
  w.String(r.stream_id);
  if (!r.task_info.empty()) {
    w.Key("task_info");
    w.RawValue(r.task_info.data(), r.task_info.size(), rapidjson::kObjectType);
  }
  w.EndObject();
}

}  // namespace

Journal::Journal(const std::string& path) {
  if (path.empty()) return;
  file_.open(path, std::ios::app);
  if (!file_) throw std::runtime_error("cannot open journal file " + path);
}

void Journal::append(LaunchRecord record) {
  record.seq = records_.size();
  if (file_.is_open()) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    write_record(w, record);
    pending_.append(buffer.GetString(), buffer.GetSize());
    pending_ += '\n';
  }
  records_.push_back(std::move(record));
}

void Journal::flush() {
  if (pending_.empty()) return;
  file_ << pending_;
  file_.flush();
  pending_.clear();
}

std::string Journal::json(uint64_t since) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("launches");
  w.StartArray();
  for (uint64_t i = since; i < records_.size(); ++i) write_record(w, records_[i]);
  w.EndArray();
  w.Key("next");
  w.Uint64(records_.size());
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace mesos_sim
