#pragma once

// MesosTransport over cpprestsdk's http_client. cpprest stays out of this header (each TU that
// includes it costs ~10 s to compile).

#include <chrono>
#include <memory>

#include "scheduler/mesos/mesos_transport.h"

namespace scale::mesos {

struct HttpTransportOptions {
  // Answer deadline for non-SUBSCRIBE calls (spec A.11 suggests ~75 s).
  std::chrono::seconds call_timeout{75};
  // cpprest's inactivity timeout on the SUBSCRIBE connection. Large on purpose: staleness of the
  // stream is the heartbeat watchdog's job, which knows the master's interval.
  std::chrono::seconds stream_timeout{24 * 3600};
  // Largest read from the stream in one go.
  size_t read_bytes = 64 * 1024;
  // ACKNOWLEDGE calls in flight at once (each on its own keep-alive connection). A master
  // answers a call only after its actor has handled it, so under load a round trip takes
  // milliseconds: the window, not the CPU, would cap the updates a small window lets through.
  size_t ack_window = 256;
  // ACCEPT and DECLINE calls in flight at once.
  size_t offer_window = 16;
};

// Threads: none of its own. Callbacks run on cpprest's (pplx) pool threads; the SUBSCRIBE body is
// read chunk by chunk as it arrives (never waiting for the whole body) by a chain of
// continuations, so bytes of one connection are delivered in order by one chain. Calls go out
// on keep-alive connections in the lanes of CallLanes: acknowledgements and ACCEPT/DECLINE
// several at once, every other call in order after the offer calls made before it.
class HttpTransport final : public MesosTransport {
 public:
  explicit HttpTransport(HttpTransportOptions options = {});
  ~HttpTransport() override;  // shutdown()
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  void set_listener(TransportListener* listener) override;
  void open_subscription(uint64_t connection, const std::string& url, std::string body) override;
  void close_subscription(uint64_t connection) override;
  void send_call(uint64_t connection, const std::string& url, const std::string& stream_id,
                 const std::string& call_type, std::string body) override;
  void shutdown() override;

  struct Shared;  // state shared with in-flight continuations (defined in the .cpp)

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace scale::mesos
