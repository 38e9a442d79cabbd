#include "scheduler/mesos/http_transport.h"

#include <glog/logging.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <future>
#include <map>
#include <thread>
#include <vector>

#include "scheduler/mesos/call_lanes.h"
#include "scheduler/mesos/http_connection.h"

namespace scale::mesos {

namespace asio = boost::asio;

namespace {

// "Basic base64(principal:secret)", or "" without a principal.
std::string basic_authorization(const HttpTransportOptions& options) {
  if (options.principal.empty()) return "";
  const std::string pair = options.principal + ":" + options.secret;
  std::string encoded(boost::beast::detail::base64::encoded_size(pair.size()), '\0');
  encoded.resize(boost::beast::detail::base64::encode(encoded.data(), pair.data(), pair.size()));
  return "Basic " + encoded;
}

}  // namespace

// Everything here lives on the I/O thread: the public methods post to it, and the listener is
// called from it, so no lock is needed and the order of calls is the order they were made in.
struct HttpTransport::Shared {
  explicit Shared(HttpTransportOptions o)
      : options(std::move(o)), authorization(basic_authorization(options)) {}

  bool gate_open() const { return !options.may_send || options.may_send(); }
  std::vector<std::pair<std::string, std::string>> headers(const std::string& stream_id) const;
  template <typename F>
  void deliver(F&& f) {
    if (!shutting_down && listener != nullptr) f(*listener);
  }

  void open(uint64_t connection, const std::string& url, const std::string& body);
  void close(uint64_t connection);
  void submit(uint64_t connection, const std::string& url, const std::string& stream_id,
              CallType call_type, std::string body);
  void start(const LaneCall& call);
  void answered(const std::shared_ptr<CallConnection>& conn, uint64_t connection,
                const LaneCall& call, const CallConnection::Result& result);
  void release_held();
  std::shared_ptr<CallConnection> idle_connection();
  void close_everything();
  void publish_load();

  const HttpTransportOptions options;
  const std::string authorization;  // header value, or ""
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread;
  std::atomic<bool> shutting_down{false};
  TransportListener* listener = nullptr;

  std::map<uint64_t, std::shared_ptr<StreamConnection>> streams;
  // The calls of one subscription (call_connection) to one master (call_target).
  uint64_t call_connection = 0;
  std::optional<HttpTarget> call_target;
  std::string call_stream_id;
  CallLanes lanes{options.ack_window, options.offer_window};
  std::vector<LaneCall> held;  // started by the lanes while the send gate was closed, in order
  std::vector<std::shared_ptr<CallConnection>> idle;
  std::vector<std::shared_ptr<CallConnection>> busy;
  CallGauge gauge;  // written here after every change of the lanes, read by any thread
};

std::vector<std::pair<std::string, std::string>> HttpTransport::Shared::headers(
    const std::string& stream_id) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (!stream_id.empty()) out.emplace_back("Mesos-Stream-Id", stream_id);
  if (!authorization.empty()) out.emplace_back("Authorization", authorization);
  return out;
}

void HttpTransport::Shared::open(uint64_t connection, const std::string& url,
                                 const std::string& body) {
  const auto target = parse_http_target(url);
  if (!target) {
    SubscribeResponse bad{0, "", "", "not an http:// master URL: " + url};
    return deliver([&](TransportListener& l) { l.on_subscribe_response(connection, bad); });
  }
  auto stream = std::make_shared<StreamConnection>(io, *target, options.read_bytes);
  streams[connection] = stream;
  stream->open(
      json_post(*target, body, headers("")), options.subscribe_head_timeout,
      [this] { return gate_open(); },
      [this, connection](const StreamConnection::Head& head) {
        if (head.status != 200) streams.erase(connection);
        const SubscribeResponse answer{head.status, head.stream_id, head.location, head.error_text};
        deliver([&](TransportListener& l) { l.on_subscribe_response(connection, answer); });
      },
      [this, connection](std::string_view bytes) {
        deliver([&](TransportListener& l) { l.on_stream_bytes(connection, bytes); });
      },
      [this, connection](const std::string& reason) {
        streams.erase(connection);
        deliver([&](TransportListener& l) { l.on_stream_closed(connection, reason); });
      });
}

void HttpTransport::Shared::close(uint64_t connection) {
  const auto found = streams.find(connection);
  if (found == streams.end()) return;
  found->second->close();  // nothing more is reported for it
  streams.erase(found);
}

void HttpTransport::Shared::submit(uint64_t connection, const std::string& url,
                                   const std::string& stream_id, CallType call_type,
                                   std::string body) {
  auto target = parse_http_target(url);
  if (!target) {
    return deliver([&](TransportListener& l) {
      l.on_call_response(connection, call_type, 0, "not an http:// master URL: " + url);
    });
  }
  if (connection != call_connection || !call_target || call_target->origin() != target->origin()) {
    // A new subscription gets fresh connections and lanes: its calls must not wait behind (or
    // reuse the sockets of) calls made for a connection that has since been given up.
    for (auto& conn : idle) conn->close();
    for (auto& conn : busy) conn->close();
    idle.clear();
    busy.clear();
    lanes.reset();
    held.clear();
    call_connection = connection;
  }
  call_target = std::move(target);
  call_stream_id = stream_id;
  for (const LaneCall& call : lanes.submit(call_type, std::move(body))) start(call);
  publish_load();
}

std::shared_ptr<CallConnection> HttpTransport::Shared::idle_connection() {
  while (!idle.empty()) {
    auto conn = std::move(idle.back());
    idle.pop_back();
    if (conn->idle()) return conn;
  }
  return std::make_shared<CallConnection>(io, *call_target);
}

// Sends one call; when it is answered, the calls that were waiting for it start.
void HttpTransport::Shared::start(const LaneCall& call) {
  if (!held.empty()) {
    held.push_back(call);  // behind those already held: the lanes' order stays
    return;
  }
  auto conn = idle_connection();
  busy.push_back(conn);
  const uint64_t connection = call_connection;
  conn->exchange(
      json_post(*call_target, call.body, headers(call_stream_id)), options.call_timeout,
      [this] { return gate_open(); },
      [this, conn, connection, call](const CallConnection::Result& result) {
        answered(conn, connection, call, result);
      });
}

void HttpTransport::Shared::answered(const std::shared_ptr<CallConnection>& conn,
                                     uint64_t connection, const LaneCall& call,
                                     const CallConnection::Result& result) {
  std::erase(busy, conn);
  if (shutting_down || connection != call_connection) return;  // reset: this frees nothing
  if (conn->idle()) idle.push_back(conn);
  if (!result.sent) {
    held.push_back(call);  // the gate closed: it goes out when it opens again
    publish_load();
    return deliver([](TransportListener& l) { l.on_calls_held(); });
  }
  deliver([&](TransportListener& l) {
    l.on_call_response(connection, call.type, result.status, result.body);
  });
  if (shutting_down || connection != call_connection) return;
  for (const LaneCall& next : lanes.finished(call.seq)) start(next);
  publish_load();
}

void HttpTransport::Shared::release_held() {
  if (held.empty()) return;
  if (!gate_open()) return deliver([](TransportListener& l) { l.on_calls_held(); });
  std::vector<LaneCall> ready;
  ready.swap(held);
  for (const LaneCall& call : ready) start(call);
  publish_load();
}

// The lanes count a held call as started; it is not on the wire, so here it counts as queued.
void HttpTransport::Shared::publish_load() {
  CallLoad load = lanes.load();
  for (const LaneCall& call : held) {
    const auto lane = static_cast<size_t>(lane_of(call.type));
    if (load.in_flight[lane] > 0) --load.in_flight[lane];
    ++load.queued[lane];
  }
  gauge.publish(load);
}

void HttpTransport::Shared::close_everything() {
  for (auto& [connection, stream] : streams) stream->close();
  streams.clear();
  for (auto& conn : idle) conn->close();
  for (auto& conn : busy) conn->close();
  idle.clear();
  busy.clear();
  held.clear();
  gauge.publish({});
}

HttpTransport::HttpTransport(HttpTransportOptions options)
    : shared_(std::make_shared<Shared>(std::move(options))) {
  shared_->thread = std::thread([shared = shared_.get()] { shared->io.run(); });
}

HttpTransport::~HttpTransport() {
  shutdown();
}

void HttpTransport::set_listener(TransportListener* listener) {
  // Before the first request, so before anything on the I/O thread can read it.
  shared_->listener = listener;
}

void HttpTransport::open_subscription(uint64_t connection, const std::string& url,
                                      std::string body) {
  asio::post(shared_->io, [shared = shared_.get(), connection, url, body = std::move(body)] {
    if (!shared->shutting_down) shared->open(connection, url, body);
  });
}

void HttpTransport::close_subscription(uint64_t connection) {
  asio::post(shared_->io, [shared = shared_.get(), connection] { shared->close(connection); });
}

void HttpTransport::send_call(uint64_t connection, const std::string& url,
                              const std::string& stream_id, CallType call_type, std::string body) {
  asio::post(shared_->io, [shared = shared_.get(), connection, url, stream_id, call_type,
                           body = std::move(body)]() mutable {
    if (!shared->shutting_down)
      shared->submit(connection, url, stream_id, call_type, std::move(body));
  });
}

void HttpTransport::release_held_calls() {
  asio::post(shared_->io, [shared = shared_.get()] {
    if (!shared->shutting_down) shared->release_held();
  });
}

CallLoad HttpTransport::call_load() const {
  return shared_->gauge.read();
}

void HttpTransport::shutdown() {
  if (!shared_->thread.joinable()) return;
  shared_->shutting_down = true;  // no listener call from here on
  if (std::this_thread::get_id() == shared_->thread.get_id()) {
    LOG(DFATAL) << "HttpTransport::shutdown() called from its own I/O thread";
    return;
  }
  std::promise<void> closed;
  asio::post(shared_->io, [&] {
    shared_->close_everything();
    closed.set_value();
  });
  closed.get_future().wait();
  shared_->work.reset();
  shared_->io.stop();  // handlers of the closed sockets are dropped with the io_context
  shared_->thread.join();
}

}  // namespace scale::mesos
