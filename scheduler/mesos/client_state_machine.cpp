#include "scheduler/mesos/client_state_machine.h"

#include <glog/logging.h>

#include <algorithm>

#include "scheduler/mesos/call_codec.h"
#include "scheduler/mesos/event_codec.h"
#include "scheduler/mesos/master_source.h"
#include "scheduler/mesos/master_url.h"

namespace scale::mesos {
namespace {

// ERROR messages after which resubscribing would be wrong (spec A.12): a newer subscriber owns the
// framework (resubscribing would steal it back and ping-pong), or the id is gone for good.
bool is_terminal_error_message(const std::string& message) {
  return message.rfind("Framework failed over", 0) == 0 ||
         message.rfind("Framework has been removed", 0) == 0;
}

// 4xx on SUBSCRIBE means the request itself is wrong (spec A.4); retrying cannot help. 404 is
// the master starting up, 408/429 are transient.
bool is_malformed_request(int status) {
  return status >= 400 && status < 500 && status != 404 && status != 408 && status != 429;
}

}  // namespace

const char* to_string(ConnectionState state) {
  switch (state) {
    case ConnectionState::Disconnected:
      return "DISCONNECTED";
    case ConnectionState::Connected:
      return "CONNECTED";
    case ConnectionState::Subscribing:
      return "SUBSCRIBING";
    case ConnectionState::Subscribed:
      return "SUBSCRIBED";
    case ConnectionState::Terminated:
      return "TERMINATED";
  }
  return "?";
}

ClientStateMachine::ClientStateMachine(ClientOptions options, MasterSource& source,
                                       MesosTransport& transport,
                                       MesosConnection::NotificationCallback callback, Now now,
                                       DeadlineMoved deadline_moved)
    : options_(std::move(options)),
      source_(source),
      transport_(transport),
      callback_(std::move(callback)),
      now_(std::move(now)),
      deadline_moved_(std::move(deadline_moved)),
      backoff_(options_.backoff_initial, options_.backoff_max),
      master_changes_(source_.subscribe([this] { on_master_changed(); })) {}

// The only place the state changes; the entry actions of each state live here.
void ClientStateMachine::enter(ConnectionState next, const std::string& why) {
  LOG(INFO) << "Mesos client: " << to_string(state_) << " -> " << to_string(next) << " (" << why
            << ")";
  ConnectionState previous = state_;
  state_ = next;
  switch (next) {
    case ConnectionState::Disconnected:
      close_stream();
      watchdog_.disarm();
      stream_id_.clear();
      if (previous == ConnectionState::Subscribed) pending_.push_back(Disconnected{why});
      break;
    case ConnectionState::Connected:
      close_stream();  // a redirect leaves a previous connection behind
      ++connection_;
      decoder_ = RecordIoDecoder();
      stream_id_.clear();
      break;
    case ConnectionState::Subscribing:
      subscribe_deadline_ = now_() + options_.subscribe_timeout;
      stream_open_ = true;
      transport_.open_subscription(connection_, endpoint_,
                                   encode_subscribe(options_.framework, framework_id_));
      break;
    case ConnectionState::Subscribed:
      backoff_.reset();
      redirects_ = 0;
      watchdog_.arm(std::chrono::duration<double>(heartbeat_seconds_), now_());
      break;
    case ConnectionState::Terminated:
      close_stream();
      watchdog_.disarm();
      if (terminal_error_) pending_.push_back(*terminal_error_);
      break;
  }
}

void ClientStateMachine::close_stream() {
  if (!stream_open_) return;
  stream_open_ = false;
  transport_.close_subscription(connection_);
}

void ClientStateMachine::disconnect(const std::string& why, Retry retry) {
  enter(ConnectionState::Disconnected, why);
  reconnect_at_ = now_() + (retry == Retry::Now ? std::chrono::milliseconds(0) : backoff_.next());
}

void ClientStateMachine::fail_terminally(const std::string& message) {
  LOG(ERROR) << "Mesos client stops for good: " << message;
  terminal_error_ = TerminalError{message};
  enter(ConnectionState::Terminated, message);
}

void ClientStateMachine::connect_if_due(Clock::time_point now) {
  if (now < reconnect_at_) return;
  std::optional<std::string> master = source_.leading_master();
  if (!master) {
    reconnect_at_ = now + backoff_.next();
    return;
  }
  detected_master_ = *master;
  endpoint_ = scheduler_endpoint(*master);
  enter(ConnectionState::Connected, "leading master " + *master);
  enter(ConnectionState::Subscribing, "SUBSCRIBE to " + endpoint_);
}

void ClientStateMachine::on_master_changed() {
  std::unique_lock lock(mu_);
  if (!started_) return;
  std::optional<std::string> master = source_.leading_master();
  if (!master || *master == detected_master_) return;
  const auto now = now_();
  if (state_ == ConnectionState::Disconnected) {
    // A new leading master is worth trying at once, whatever the backoff from the old one.
    reconnect_at_ = now;
    connect_if_due(now);
  } else if (state_ == ConnectionState::Subscribing || state_ == ConnectionState::Subscribed) {
    disconnect("leading master changed to " + *master, Retry::Now);
    connect_if_due(now);
  }
  flush(lock);
}

void ClientStateMachine::start(const std::optional<std::string>& framework_id) {
  std::unique_lock lock(mu_);
  if (started_ || state_ == ConnectionState::Terminated) return;
  started_ = true;
  framework_id_ = framework_id;
  reconnect_at_ = now_();
  connect_if_due(reconnect_at_);
  flush(lock);
}

void ClientStateMachine::stop() {
  std::unique_lock lock(mu_);
  if (state_ != ConnectionState::Terminated) enter(ConnectionState::Terminated, "stopped by owner");
  flush(lock);
}

void ClientStateMachine::tick() {
  std::unique_lock lock(mu_);
  if (!started_) return;
  auto now = now_();
  switch (state_) {
    case ConnectionState::Disconnected:
      connect_if_due(now);
      break;
    case ConnectionState::Subscribing:
      if (now >= subscribe_deadline_) disconnect("no SUBSCRIBED event in time", Retry::WithBackoff);
      break;
    case ConnectionState::Subscribed:
      if (watchdog_.expired(now)) {
        disconnect("no event for " + std::to_string(HeartbeatWatchdog::kMissedHeartbeats) +
                       " heartbeat intervals",
                   Retry::WithBackoff);
      } else if (release_held_at_ && now >= *release_held_at_) {
        release_held_at_.reset();  // the transport says again if the gate is still closed
        transport_.release_held_calls();
      }
      break;
    case ConnectionState::Connected:
    case ConnectionState::Terminated:
      break;
  }
  flush(lock);
}

Clock::time_point ClientStateMachine::next_deadline() const {
  std::lock_guard lock(mu_);
  announced_deadline_ = deadline_locked();
  return announced_deadline_;
}

Clock::time_point ClientStateMachine::deadline_locked() const {
  if (!started_) return Clock::time_point::max();
  switch (state_) {
    case ConnectionState::Disconnected:
      return reconnect_at_;
    case ConnectionState::Subscribing:
      return subscribe_deadline_;
    case ConnectionState::Subscribed:
      return release_held_at_ ? std::min(watchdog_.deadline(), *release_held_at_)
                              : watchdog_.deadline();
    default:
      return Clock::time_point::max();
  }
}

void ClientStateMachine::follow_redirect(const SubscribeResponse& response) {
  std::optional<std::string> target = resolve_location(endpoint_, response.location);
  if (!target || ++redirects_ > options_.max_redirects) {
    redirects_ = 0;
    disconnect("307 to '" + response.location + "' not followed", Retry::WithBackoff);
    return;
  }
  endpoint_ = *target;
  enter(ConnectionState::Connected, "307 to " + *target);
  enter(ConnectionState::Subscribing, "SUBSCRIBE to " + endpoint_);
}

void ClientStateMachine::on_subscribe_response(uint64_t connection,
                                               const SubscribeResponse& response) {
  std::unique_lock lock(mu_);
  if (!current(connection) || state_ != ConnectionState::Subscribing) {
    VLOG(1) << "Dropping SUBSCRIBE response of stale connection " << connection;
    return;
  }
  const std::string what =
      "SUBSCRIBE answered HTTP " + std::to_string(response.status) + ": " + response.error_text;
  if (response.status == 200 && !response.stream_id.empty()) {
    stream_id_ = response.stream_id;  // stay SUBSCRIBING until the SUBSCRIBED event
  } else if (response.status == 200) {
    disconnect("SUBSCRIBE answered 200 without Mesos-Stream-Id", Retry::WithBackoff);
  } else if (response.status == 307) {
    stream_open_ = false;
    follow_redirect(response);
  } else if (is_malformed_request(response.status)) {
    stream_open_ = false;
    fail_terminally(what);
  } else {
    stream_open_ = false;  // 0, 404, 503, 5xx: master not (yet) leading or unreachable
    disconnect(what, Retry::WithBackoff);
  }
  flush(lock);
}

void ClientStateMachine::on_stream_bytes(uint64_t connection, std::string_view bytes) {
  std::unique_lock lock(mu_);
  auto live = [&] {
    return current(connection) &&
           (state_ == ConnectionState::Subscribing || state_ == ConnectionState::Subscribed);
  };
  if (!live()) return;
  std::vector<std::string> records;
  bool framing_ok = decoder_.feed(bytes, &records);
  for (const auto& record : records) {
    if (!live()) break;
    handle_record(record);
  }
  if (!framing_ok && live()) {
    disconnect("corrupt RecordIO stream: " + decoder_.error(), Retry::WithBackoff);
  }
  flush(lock);
}

void ClientStateMachine::handle_record(const std::string& record) {
  Event event;
  std::string error;
  if (!decode_event(record, &event, &error)) {
    disconnect("undecodable event: " + error, Retry::WithBackoff);
    return;
  }
  watchdog_.on_event(now_());
  if (state_ == ConnectionState::Subscribing) {
    handle_first_event(std::move(event));
  } else {
    handle_subscribed_event(std::move(event));
  }
}

void ClientStateMachine::handle_first_event(Event event) {
  if (event.type == EventType::Subscribed) {
    framework_id_ = event.subscribed.framework_id;
    // The master always advertises 15 s (spec A.6). Past a day the value is garbage, and past
    // ~58 years five intervals overflow the watchdog's nanoseconds (undefined behaviour).
    constexpr double kMaxHeartbeatSeconds = 24 * 3600;
    const double advertised = event.subscribed.heartbeat_interval_seconds;
    heartbeat_seconds_ = advertised > 0 && advertised <= kMaxHeartbeatSeconds
                             ? advertised
                             : options_.default_heartbeat_seconds;
    enter(ConnectionState::Subscribed, "framework " + *framework_id_ + ", stream " + stream_id_);
    pending_.push_back(std::move(event));
  } else if (event.type == EventType::Error) {
    // The master refused the subscription itself (bad FrameworkInfo, removed framework, ...).
    fail_terminally("SUBSCRIBE refused: " + event.error_message);
  } else {
    disconnect(std::string("first event was ") + to_string(event.type) + ", not SUBSCRIBED",
               Retry::WithBackoff);
  }
}

void ClientStateMachine::handle_subscribed_event(Event event) {
  if (event.type != EventType::Error) {
    pending_.push_back(std::move(event));
    return;
  }
  if (is_terminal_error_message(event.error_message)) {
    fail_terminally(event.error_message);
    return;
  }
  std::string why = "ERROR event: " + event.error_message;
  pending_.push_back(std::move(event));
  disconnect(why, Retry::WithBackoff);
}

void ClientStateMachine::on_stream_closed(uint64_t connection, const std::string& reason) {
  std::unique_lock lock(mu_);
  if (!current(connection) ||
      (state_ != ConnectionState::Subscribing && state_ != ConnectionState::Subscribed)) {
    return;
  }
  stream_open_ = false;
  disconnect("subscription stream closed: " + reason, Retry::WithBackoff);
  flush(lock);
}

void ClientStateMachine::on_call_response(uint64_t connection, CallType call_type, int status,
                                          const std::string& body) {
  std::unique_lock lock(mu_);
  if (!current(connection)) return;  // answer for an older subscription
  if (status == 202 || status == 200) return;
  LOG(WARNING) << "Mesos " << to_string(call_type) << " answered HTTP " << status << ": " << body;
  pending_.push_back(CallRejected{call_type, status, body});
  flush(lock);
}

void ClientStateMachine::on_calls_held() {
  std::unique_lock lock(mu_);
  if (release_held_at_ || state_ == ConnectionState::Terminated) return;
  release_held_at_ = now_() + options_.held_call_retry;
  flush(lock);
}

bool ClientStateMachine::send_call(CallType call_type, const Encoder& encode) {
  std::lock_guard lock(mu_);
  if (state_ != ConnectionState::Subscribed) return false;
  transport_.send_call(connection_, endpoint_, stream_id_, call_type, encode(*framework_id_));
  return true;
}

ConnectionState ClientStateMachine::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

std::optional<std::string> ClientStateMachine::framework_id() const {
  std::lock_guard lock(mu_);
  return framework_id_;
}

std::optional<TerminalError> ClientStateMachine::terminal_error() const {
  std::lock_guard lock(mu_);
  return terminal_error_;
}

uint64_t ClientStateMachine::connection() const {
  std::lock_guard lock(mu_);
  return connection_;
}

// One thread at a time delivers, taking whatever is queued, so notifications keep their order
// and the callback runs without mu_ held (it may send calls, which take mu_). Every input that
// can move a deadline ends here, so this is where the driver hears that it must wake earlier.
void ClientStateMachine::flush(std::unique_lock<std::mutex>& lock) {
  const Clock::time_point deadline = deadline_locked();
  if (deadline < announced_deadline_) {
    announced_deadline_ = deadline;  // one wake-up per move, however many inputs follow
    if (deadline_moved_) deadline_moved_();
  }
  if (delivering_) return;  // the thread already delivering picks these up
  delivering_ = true;
  while (!pending_.empty()) {
    std::vector<Notification> batch;
    batch.swap(pending_);
    lock.unlock();
    for (auto& notification : batch) {
      if (callback_) callback_(std::move(notification));
    }
    lock.lock();
  }
  delivering_ = false;
}

}  // namespace scale::mesos
