#pragma once

// MesosTransport over Boost.Beast (HTTP/1.1 on plain TCP), on one I/O thread of its own. Asio and
// Beast stay out of this header (they are slow to compile).

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "scheduler/mesos/mesos_transport.h"

namespace scale::mesos {

struct HttpTransportOptions {
  // Answer deadline for non-SUBSCRIBE calls (spec A.11 suggests ~75 s).
  std::chrono::milliseconds call_timeout{75000};
  // Deadline for the SUBSCRIBE response's head. After it, staleness of the stream is the
  // heartbeat watchdog's job, which knows the master's interval.
  std::chrono::milliseconds subscribe_head_timeout{30000};
  // Largest read from the stream in one go.
  size_t read_bytes = 64 * 1024;
  // ACKNOWLEDGE calls in flight at once (each on its own keep-alive connection). A master
  // answers a call only after its actor has handled it, so under load a round trip takes
  // milliseconds: the window, not the CPU, would cap the updates a small window lets through.
  size_t ack_window = 256;
  // ACCEPT and DECLINE calls in flight at once.
  size_t offer_window = 16;
  // Asked right before a SUBSCRIBE or a call goes on the wire, also a call that waited in a
  // lane. While it answers false, calls are held in order until release_held_calls() finds it
  // open, and a SUBSCRIBE fails as unanswered (the state machine retries with backoff). The
  // leader passes "my term is acting", so a leader whose term lapsed while calls were queued (a
  // frozen process that resumed) sends the master nothing. Empty: always open.
  std::function<bool()> may_send;
  // HTTP basic credentials for a master with framework authentication (spec B.6), sent on the
  // subscription and on every call. Empty principal: no Authorization header.
  std::string principal;
  std::string secret;  // never logged
};

// Threads: one, the I/O thread. Every method posts its work to it and returns; the listener is
// called from it, in order (the SUBSCRIBE body chunk by chunk as it arrives, never waiting for the
// whole body). Calls go out on keep-alive connections in the lanes of CallLanes:
// acknowledgements and ACCEPT/DECLINE several at once, every other call in order after the offer
// calls made before it. The send gate is asked on the I/O thread right before a request is
// written, and the write starts in the same step, so once the gate is closed nothing more leaves.
// Only http:// masters: parse_http_target refuses anything else.
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
                 CallType call_type, std::string body) override;
  void release_held_calls() override;
  // As of the I/O thread's last step: a call that waits for the send gate counts as queued.
  CallLoad call_load() const override;
  void shutdown() override;

  struct Shared;  // what the I/O thread owns (defined in the .cpp)

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace scale::mesos
