#pragma once

// The client's one state machine, shaped like Mesos' own v1 scheduler library
// (src/scheduler/scheduler.cpp): an enum of states, one handler per input, every transition made
// by enter(), and every callback checking the state and connection it expects so answers from an
// old connection are dropped. Thread-safe; time comes from an injected clock, so unit tests
// drive it with a fake transport and a manual clock.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cluster/subscription.h"
#include "scheduler/mesos/backoff.h"
#include "scheduler/mesos/mesos_connection.h"
#include "scheduler/mesos/mesos_transport.h"
#include "scheduler/mesos/recordio_decoder.h"

namespace scale::mesos {

class MasterSource;

struct ClientOptions {
  FrameworkInfo framework;
  std::chrono::milliseconds backoff_initial{250};
  std::chrono::milliseconds backoff_max{15000};  // the docs suggest ~15 s
  // SUBSCRIBE sent but no SUBSCRIBED event within this time: give up on that connection.
  std::chrono::milliseconds subscribe_timeout{30000};
  // Consecutive 307s followed before backing off (two masters pointing at each other).
  int max_redirects = 5;
  // Used when SUBSCRIBED does not advertise heartbeat_interval_seconds.
  double default_heartbeat_seconds = 15.0;
  // While the transport holds calls back, how soon they are offered to its send gate again: the
  // gate is a predicate with no signal when it opens, so it is asked this often.
  std::chrono::milliseconds held_call_retry{50};
};

class ClientStateMachine final : public TransportListener {
 public:
  using Now = std::function<Clock::time_point()>;
  using Encoder = std::function<std::string(const std::string& framework_id)>;
  using DeadlineMoved = std::function<void()>;

  // source and transport must outlive this object. The callback gets every Notification, in order,
  // outside the state lock. A change of the source's leading master is followed as it happens.
  // deadline_moved is called, under the state lock, when next_deadline() comes earlier than what
  // it last answered (the driver thread wakes up); it must not call back into this object.
  ClientStateMachine(ClientOptions options, MasterSource& source, MesosTransport& transport,
                     MesosConnection::NotificationCallback callback, Now now,
                     DeadlineMoved deadline_moved = {});

  void start(const std::optional<std::string>& framework_id);
  void stop();
  // Timers: reconnect when due, heartbeat watchdog, subscribe timeout, held calls.
  void tick();
  // When tick() next has something to do (the driver thread sleeps until then); max() when
  // nothing is due until an input arrives (not started, terminated).
  Clock::time_point next_deadline() const;

  // Sends a non-SUBSCRIBE call on the current subscription; false unless SUBSCRIBED.
  bool send_call(CallType call_type, const Encoder& encode);

  ConnectionState state() const;
  std::optional<std::string> framework_id() const;
  std::optional<TerminalError> terminal_error() const;
  uint64_t connection() const;

  // TransportListener
  void on_subscribe_response(uint64_t connection, const SubscribeResponse& response) override;
  void on_stream_bytes(uint64_t connection, std::string_view bytes) override;
  void on_stream_closed(uint64_t connection, const std::string& reason) override;
  void on_call_response(uint64_t connection, CallType call_type, int status,
                        const std::string& body) override;
  void on_calls_held() override;

 private:
  // How a move to DISCONNECTED schedules the next attempt.
  enum class Retry { Now, WithBackoff };

  void enter(ConnectionState next, const std::string& why);
  void disconnect(const std::string& why, Retry retry);
  void fail_terminally(const std::string& message);
  void connect_if_due(Clock::time_point now);
  // The source said the leading master changed: go to the new one at once.
  void on_master_changed();
  void subscribe_to(const std::string& url);
  void follow_redirect(const SubscribeResponse& response);
  void handle_record(const std::string& record);
  void handle_first_event(Event event);
  void handle_subscribed_event(Event event);
  void close_stream();
  bool current(uint64_t connection) const { return connection == connection_; }
  Clock::time_point deadline_locked() const;
  // Delivers queued notifications in order, outside mu_ (the callback may send calls), after
  // telling the driver if the deadline came earlier.
  void flush(std::unique_lock<std::mutex>& lock);

  const ClientOptions options_;
  MasterSource& source_;
  MesosTransport& transport_;
  const MesosConnection::NotificationCallback callback_;
  const Now now_;
  const DeadlineMoved deadline_moved_;

  mutable std::mutex mu_;
  // What next_deadline() last answered: the time the driver thread sleeps until.
  mutable Clock::time_point announced_deadline_ = Clock::time_point::max();
  std::vector<Notification> pending_;  // produced under mu_, delivered by flush()
  bool delivering_ = false;

  ConnectionState state_ = ConnectionState::Disconnected;
  bool started_ = false;
  uint64_t connection_ = 0;  // number of the live subscription connection
  bool stream_open_ = false;
  std::optional<std::string> framework_id_;
  std::optional<TerminalError> terminal_error_;
  std::string endpoint_;         // scheduler URL of the current connection
  std::string detected_master_;  // what the source said when we connected
  int redirects_ = 0;
  std::string stream_id_;
  double heartbeat_seconds_ = 0;
  RecordIoDecoder decoder_;
  Backoff backoff_;
  HeartbeatWatchdog watchdog_;
  Clock::time_point reconnect_at_{};
  Clock::time_point subscribe_deadline_{};
  std::optional<Clock::time_point> release_held_at_;  // set while the transport holds calls
  cluster::Subscription master_changes_;              // last: cancelled before the rest goes
};

}  // namespace scale::mesos
