#pragma once

// The open SUBSCRIBE responses: each is a chunked HTTP body fed from a producer_consumer_buffer.
// Used only on the core thread. Events are RecordIO-framed ("<len>\n<json>", no trailing
// delimiter) into a per-stream pending string and written to the buffer once per loop iteration.

#include <cpprest/producerconsumerstream.h>
#include <cpprest/streams.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "master.h"

namespace mesos_sim {

class HttpStreams : public StreamSink {
 public:
  concurrency::streams::istream open(const std::string& stream_id);
  void send(const std::string& stream_id, const std::string& event_json) override;
  void close(const std::string& stream_id) override;
  void flush();
  void close_all();
  size_t size() const { return streams_.size(); }

 private:
  struct Stream {
    concurrency::streams::producer_consumer_buffer<uint8_t> buffer;
    std::string pending;
  };
  void write(Stream& stream);

  std::unordered_map<std::string, Stream> streams_;
  std::vector<std::string> dirty_;
};

}  // namespace mesos_sim
