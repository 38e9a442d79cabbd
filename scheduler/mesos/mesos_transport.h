#pragma once

// The HTTP edge of the client, as the state machine sees it: two kinds of connections (the
// SUBSCRIBE stream and the keep-alive connection for calls), every result tagged with the
// connection number the state machine handed out, so a late answer from an old connection is
// recognised and dropped. The real implementation is HttpTransport (cpprestsdk); unit tests use
// a fake that records requests and plays answers.

#include <cstdint>
#include <string>
#include <string_view>

#include "scheduler/mesos/call_load.h"
#include "scheduler/mesos/call_type.h"

namespace scale::mesos {

struct SubscribeResponse {
  int status = 0;          // HTTP status; 0 = no response (connect failure, timeout, cancel)
  std::string stream_id;   // Mesos-Stream-Id header
  std::string location;    // Location header (307)
  std::string error_text;  // body of a non-200 answer, or the transport's error
};

// Called from transport threads. Implementations must not call back into the transport's
// shutdown() from here.
class TransportListener {
 public:
  virtual ~TransportListener() = default;
  virtual void on_subscribe_response(uint64_t connection, const SubscribeResponse& response) = 0;
  // Body bytes of a 200 SUBSCRIBE response, in order, as they arrive.
  virtual void on_stream_bytes(uint64_t connection, std::string_view bytes) = 0;
  // The SUBSCRIBE body ended (EOF) or failed. Not called after a non-200 response.
  virtual void on_stream_closed(uint64_t connection, const std::string& reason) = 0;
  // status 0 = no response.
  virtual void on_call_response(uint64_t connection, CallType call_type, int status,
                                const std::string& body) = 0;
  // The send gate held calls back, or still does after release_held_calls(): ask again later.
  virtual void on_calls_held() {}
};

// Methods never block on the network and never call the listener synchronously.
class MesosTransport {
 public:
  virtual ~MesosTransport() = default;
  // Must be set once, before the first request.
  virtual void set_listener(TransportListener* listener) = 0;
  // POSTs a SUBSCRIBE (no Mesos-Stream-Id) on a fresh connection and streams its body.
  virtual void open_subscription(uint64_t connection, const std::string& url, std::string body) = 0;
  // Closes that subscription's connection; its remaining callbacks may still come (stale).
  virtual void close_subscription(uint64_t connection) = 0;
  // POSTs a call on keep-alive call connections. ACKNOWLEDGE, ACCEPT and DECLINE may overtake
  // each other; every other call reaches the master after every call made before it (see
  // CallLanes); an ACKNOWLEDGE identical to an unanswered one is dropped.
  virtual void send_call(uint64_t connection, const std::string& url, const std::string& stream_id,
                         CallType call_type, std::string body) = 0;
  // Sends the calls a closed send gate held back (see HttpTransportOptions::may_send), if it is
  // open now; the state machine calls it a while after each on_calls_held().
  virtual void release_held_calls() {}
  // The calls of the current subscription not answered yet, by lane; any thread, no blocking.
  virtual CallLoad call_load() const { return {}; }
  // Cancels everything and waits until no callback runs or will run. Never call it from a
  // listener callback.
  virtual void shutdown() = 0;
};

}  // namespace scale::mesos
