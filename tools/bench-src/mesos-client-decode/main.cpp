// Measures how many v1 scheduler events per second the client decodes: a synthetic RecordIO
// stream of OFFERS and UPDATE events (the bulk of a busy subscription) is cut into HTTP-sized
// chunks and pushed through RecordIoDecoder + decode_event, as the stream reader does.
//
// Usage: mesos-client-decode [events=200000] [chunk_bytes=16384] [offers_per_event=10]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "scheduler/mesos/event_codec.h"
#include "scheduler/mesos/recordio_decoder.h"

namespace {

std::string offer_json(int i) {
  std::string n = std::to_string(i);
  return R"({"id":{"value":"O-)" + n +
         R"("},"framework_id":{"value":"F-1"},"agent_id":{"value":"S)" + n +
         R"("},"hostname":"agent)" + n +
         R"(","allocation_info":{"role":"scale"},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":8},"allocation_info":{"role":"scale"}},{"name":"mem","type":"SCALAR","scalar":{"value":32768},"allocation_info":{"role":"scale"}},{"name":"disk","type":"SCALAR","scalar":{"value":100000},"allocation_info":{"role":"scale"}},{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]},"allocation_info":{"role":"scale"}}]})";
}

std::string offers_event(int first, int count) {
  std::string json = R"({"type":"OFFERS","offers":{"offers":[)";
  for (int i = 0; i < count; ++i) {
    if (i > 0) json += ',';
    json += offer_json(first + i);
  }
  return json + "]}}";
}

std::string update_event(int i) {
  std::string n = std::to_string(i);
  return R"({"type":"UPDATE","update":{"status":{"task_id":{"value":"scale_job_)" + n +
         R"(_1"},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR","agent_id":{"value":"S1"},"executor_id":{"value":"scale_job_)" +
         n +
         R"(_1"},"timestamp":1724400000.123,"uuid":"3q2+7wAAAAAAAAAAAAAAAA==","healthy":true}}})";
}

std::string frame(const std::string& record) {
  return std::to_string(record.size()) + "\n" + record;
}

}  // namespace

int main(int argc, char** argv) {
  const int events = argc > 1 ? std::atoi(argv[1]) : 200000;
  const size_t chunk = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 16384;
  const int offers_per_event = argc > 3 ? std::atoi(argv[3]) : 10;

  // One OFFERS event per ten UPDATEs, like a scheduler launching steadily.
  std::string stream;
  for (int i = 0; i < events; ++i) {
    stream += frame(i % 10 == 0 ? offers_event(i, offers_per_event) : update_event(i));
  }

  scale::mesos::RecordIoDecoder decoder;
  std::vector<std::string> records;
  scale::mesos::Event event;
  std::string error;
  long decoded = 0;
  auto start = std::chrono::steady_clock::now();
  for (size_t pos = 0; pos < stream.size(); pos += chunk) {
    records.clear();
    if (!decoder.feed(std::string_view(stream).substr(pos, chunk), &records)) {
      std::fprintf(stderr, "framing error: %s\n", decoder.error().c_str());
      return 1;
    }
    for (const auto& record : records) {
      if (!scale::mesos::decode_event(record, &event, &error)) {
        std::fprintf(stderr, "decode error: %s\n", error.c_str());
        return 1;
      }
      ++decoded;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "events=%ld bytes=%zu chunk=%zu offers_per_event=%d seconds=%.3f events_per_s=%.0f "
      "MB_per_s=%.1f\n",
      decoded, stream.size(), chunk, offers_per_event, seconds, decoded / seconds,
      stream.size() / seconds / 1e6);
  return decoded == events ? 0 : 1;
}
