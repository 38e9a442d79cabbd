#include "http_streams.h"

namespace mesos_sim {

concurrency::streams::istream HttpStreams::open(const std::string& stream_id) {
  return streams_[stream_id].buffer.create_istream();
}

void HttpStreams::send(const std::string& stream_id, const std::string& event_json) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return;
  if (it->second.pending.empty()) dirty_.push_back(stream_id);
  it->second.pending += std::to_string(event_json.size());
  it->second.pending += '\n';
  it->second.pending += event_json;
}

void HttpStreams::write(Stream& stream) {
  if (stream.pending.empty()) return;
  // producer_consumer_buffer copies synchronously; the returned task is already complete.
  stream.buffer.putn_nocopy(reinterpret_cast<const uint8_t*>(stream.pending.data()),
                            stream.pending.size());
  // Without sync the listener's read waits for a full chunk (64 KB) before sending anything.
  stream.buffer.sync();
  stream.pending.clear();
}

void HttpStreams::close(const std::string& stream_id) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return;
  write(it->second);
  it->second.buffer.close(std::ios_base::out);
  streams_.erase(it);
}

void HttpStreams::flush() {
  for (const auto& id : dirty_) {
    if (auto it = streams_.find(id); it != streams_.end()) write(it->second);
  }
  dirty_.clear();
}

void HttpStreams::close_all() {
  for (auto& [id, stream] : streams_) {
    write(stream);
    stream.buffer.close(std::ios_base::out);
  }
  streams_.clear();
  dirty_.clear();
}

}  // namespace mesos_sim
