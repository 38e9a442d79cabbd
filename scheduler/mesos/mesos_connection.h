#pragma once

// What the leader needs from Mesos, behind a small interface so its logic can be unit tested with
// a fake. The real implementation (MesosClient over HttpTransport) is built by
// make_http_mesos_connection (http_mesos_connection.h).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scheduler/mesos/call_load.h"
#include "scheduler/mesos/call_type.h"
#include "scheduler/mesos/mesos_call.h"
#include "scheduler/mesos/mesos_event.h"

namespace scale::mesos {

// DISCONNECTED -> CONNECTED (master known, endpoint chosen) -> SUBSCRIBING (SUBSCRIBE sent) ->
// SUBSCRIBED (SUBSCRIBED event received). Terminated is final: stopped by the owner, or a
// terminal error (see TerminalError).
enum class ConnectionState { Disconnected, Connected, Subscribing, Subscribed, Terminated };
const char* to_string(ConnectionState state);

// Disconnected, TerminalError and CallRejected copy and move out of line (mesos_connection.cpp):
// inlined into std::variant's moves of a Notification, their std::string moves made GCC 12 at -O2
// warn -Wmaybe-uninitialized about the alternative that is not held.

// The subscription was lost (stream EOF, heartbeat loss, leader change, refused SUBSCRIBE); the
// client resubscribes by itself with backoff. Events of the old subscription stop here.
struct Disconnected {
  Disconnected() = default;
  Disconnected(std::string why);
  Disconnected(const Disconnected& other);
  Disconnected(Disconnected&& other) noexcept;
  Disconnected& operator=(const Disconnected& other);
  Disconnected& operator=(Disconnected&& other) noexcept;
  ~Disconnected();

  std::string reason;
};

// The client has stopped for good and will not resubscribe: ERROR "Framework failed over" (a newer
// subscriber took the framework: treat as lost leadership), "Framework has been removed" (alert an
// operator), or a SUBSCRIBE refused as malformed (4xx / ERROR as first record: fix the config).
enum class TerminalErrorKind { FailedOver, FrameworkRemoved, Other };

struct TerminalError {
  TerminalError() = default;
  // The kind is read once here, from the start of the master's ERROR message (after the
  // client's "SUBSCRIBE refused: " when the subscription itself was refused), so no consumer
  // has to parse the text.
  TerminalError(std::string text) : message(std::move(text)), kind(kind_of(message)) {}
  TerminalError(const TerminalError& other);
  TerminalError(TerminalError&& other) noexcept;
  TerminalError& operator=(const TerminalError& other);
  TerminalError& operator=(TerminalError&& other) noexcept;
  ~TerminalError();

  std::string message;
  TerminalErrorKind kind = TerminalErrorKind::Other;

 private:
  static TerminalErrorKind kind_of(std::string_view text) {
    constexpr std::string_view kRefused = "SUBSCRIBE refused: ";
    if (text.starts_with(kRefused)) text.remove_prefix(kRefused.size());
    if (text.starts_with("Framework failed over")) return TerminalErrorKind::FailedOver;
    if (text.starts_with("Framework has been removed")) return TerminalErrorKind::FrameworkRemoved;
    return TerminalErrorKind::Other;
  }
};

// A call got an answer other than 202 (the master queues nothing): logged and reported so the
// owner can retry through its own logic (reconciliation).
struct CallRejected {
  CallRejected() = default;
  CallRejected(CallType call, int status, std::string answer);
  CallRejected(const CallRejected& other);
  CallRejected(CallRejected&& other) noexcept;
  CallRejected& operator=(const CallRejected& other);
  CallRejected& operator=(CallRejected&& other) noexcept;
  ~CallRejected();

  CallType call_type = CallType::Acknowledge;
  int http_status = 0;  // 0 = no response
  std::string body;
};

using Notification = std::variant<Event, Disconnected, TerminalError, CallRejected>;

class MesosConnection {
 public:
  // Runs on a client thread (the stream reader) in stream order. Keep it short (push onto the
  // owner's queue). It may call the call methods below, but never stop() or the destructor.
  using NotificationCallback = std::function<void(Notification)>;

  virtual ~MesosConnection() = default;

  // Starts detecting the master and subscribing. framework_id: the stored id (resubscription),
  // or nullopt for a first subscription (the id then comes in the SUBSCRIBED event).
  virtual void start(const std::optional<std::string>& framework_id,
                     NotificationCallback callback) = 0;
  // Closes the stream and joins every thread; no callback runs once it returns. Idempotent.
  virtual void stop() = 0;

  virtual ConnectionState state() const = 0;
  virtual std::optional<std::string> framework_id() const = 0;
  virtual std::optional<TerminalError> terminal_error() const = 0;
  // The calls sent and not answered yet, by lane (for the metrics); any thread, never blocks.
  virtual CallLoad call_load() const { return {}; }

  // Calls. Each returns false, sending nothing, unless SUBSCRIBED: calls are never queued across
  // subscriptions (offers die with the subscription; reconciliation re-asks for the rest).
  virtual bool accept(const std::vector<std::string>& offer_ids,
                      const std::vector<TaskLaunch>& tasks,
                      std::optional<double> refuse_seconds = std::nullopt) = 0;
  virtual bool decline(const std::vector<std::string>& offer_ids,
                       std::optional<double> refuse_seconds) = 0;
  virtual bool suppress(const std::vector<std::string>& roles) = 0;
  virtual bool revive(const std::vector<std::string>& roles) = 0;
  // grace_seconds: the job's kill grace, overriding the task's KillPolicy for this kill (spec B.3).
  virtual bool kill(const std::string& task_id, const std::string& agent_id,
                    std::optional<double> grace_seconds = std::nullopt) = 0;
  // Sends ACKNOWLEDGE only for an update that carries a uuid; otherwise a no-op returning false.
  // Call it after the update is committed.
  virtual bool acknowledge(const TaskStatus& status) = 0;
  virtual bool reconcile(const std::vector<TaskToReconcile>& tasks) = 0;  // empty = implicit
  virtual bool teardown() = 0;
};

}  // namespace scale::mesos
