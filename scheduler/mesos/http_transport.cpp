#include "scheduler/mesos/http_transport.h"

#include <cpprest/http_client.h>
#include <glog/logging.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <condition_variable>
#include <map>
#include <mutex>

#include "scheduler/mesos/call_lanes.h"

namespace scale::mesos {

namespace http = web::http;
using http::client::http_client;

namespace {

struct SplitUrl {
  std::string origin;  // scheme://host:port
  std::string path;    // /api/v1/scheduler
};

SplitUrl split_url(const std::string& url) {
  auto scheme_end = url.find("://");
  auto path_start =
      scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
  if (path_start == std::string::npos) return {url, "/"};
  return {url.substr(0, path_start), url.substr(path_start)};
}

// Bodies go out as bytes with the content type set by hand: the std::string overloads trip
// UBSan's vptr check inside cpprest, and the master wants exactly "application/json" (415
// for anything with a charset).
http::http_request make_post(const std::string& path, const std::string& body) {
  http::http_request request(http::methods::POST);
  request.set_request_uri(path);
  request.set_body(std::vector<unsigned char>(body.begin(), body.end()));
  request.headers().set_content_type("application/json");
  request.headers().add("Accept", "application/json");
  return request;
}

// cpprest writes a request's headers and body with two send()s. With Nagle's algorithm on, the
// body then waits for the master's delayed ACK of the headers (40 ms on Linux): one call per
// 40 ms per connection. Plain-HTTP sockets get TCP_NODELAY; for https cpprest hands over an
// SSL stream, which is left alone.
http::client::http_client_config client_config(const std::string& origin,
                                               std::chrono::seconds timeout) {
  http::client::http_client_config config;
  config.set_timeout(timeout);
  if (origin.rfind("http://", 0) == 0) {
    config.set_nativehandle_options([](http::client::native_handle handle) {
      auto* socket = static_cast<boost::asio::ip::tcp::socket*>(handle);
      boost::system::error_code ignored;  // not open yet on a new connection: set again later
      socket->set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    });
  }
  return config;
}

std::string header_or_empty(const http::http_response& response, const char* name) {
  auto it = response.headers().find(name);
  return it == response.headers().end() ? std::string() : it->second;
}

}  // namespace

struct HttpTransport::Shared {
  explicit Shared(HttpTransportOptions o) : options(o) {}

  // Runs f(listener) unless shut down; shutdown() waits for running deliveries.
  template <typename F>
  void deliver(F&& f) {
    TransportListener* target = nullptr;
    {
      std::lock_guard lock(mu);
      if (shutting_down || listener == nullptr) return;
      target = listener;
      ++running;
    }
    f(*target);
    std::lock_guard lock(mu);
    if (--running == 0) idle.notify_all();
  }

  bool stream_closed(uint64_t connection) {
    std::lock_guard lock(mu);
    return shutting_down || streams.find(connection) == streams.end();
  }

  void forget(uint64_t connection) {
    std::lock_guard lock(mu);
    streams.erase(connection);
  }

  const HttpTransportOptions options;
  std::mutex mu;
  std::condition_variable idle;
  TransportListener* listener = nullptr;
  bool shutting_down = false;
  int running = 0;
  std::map<uint64_t, pplx::cancellation_token_source> streams;
  std::shared_ptr<http_client> call_client;
  std::string call_origin;
  uint64_t call_connection = 0;  // the subscription the call client serves
  pplx::cancellation_token_source calls_cancel;
  CallLanes lanes{options.ack_window, options.offer_window};  // of call_connection
  std::string call_path;
  std::string call_stream_id;
};

namespace {

using SharedPtr = std::shared_ptr<HttpTransport::Shared>;

// Reads whatever has arrived (at least one byte), hands it on, and schedules the next read.
// The read size follows in_avail() because a larger getn() would wait for that many bytes.
void read_stream(SharedPtr shared, std::shared_ptr<http_client> client, uint64_t connection,
                 concurrency::streams::istream body, std::shared_ptr<std::vector<uint8_t>> buffer) {
  auto streambuf = body.streambuf();
  size_t want = std::clamp<size_t>(streambuf.in_avail(), 1, buffer->size());
  streambuf.getn(buffer->data(), want).then([=](pplx::task<size_t> read) {
    size_t n = 0;
    std::string failure;
    try {
      n = read.get();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (shared->stream_closed(connection)) return;  // closed by us: nothing more to report
    if (n == 0) {
      std::string reason = failure.empty() ? "end of stream" : failure;
      shared->forget(connection);
      shared->deliver([&](TransportListener& l) { l.on_stream_closed(connection, reason); });
      return;
    }
    std::string_view bytes(reinterpret_cast<const char*>(buffer->data()), n);
    shared->deliver([&](TransportListener& l) { l.on_stream_bytes(connection, bytes); });
    read_stream(shared, client, connection, body, buffer);
  });
}

void handle_subscribe_response(SharedPtr shared, std::shared_ptr<http_client> client,
                               uint64_t connection, http::http_response response) {
  SubscribeResponse answer;
  answer.status = response.status_code();
  answer.stream_id = header_or_empty(response, "Mesos-Stream-Id");
  answer.location = header_or_empty(response, "Location");
  if (answer.status != 200) {
    shared->forget(connection);
    response.extract_vector().then(
        [shared, connection, answer](pplx::task<std::vector<uint8_t>> t) {
          SubscribeResponse with_body = answer;
          try {
            auto bytes = t.get();
            with_body.error_text.assign(bytes.begin(), bytes.end());
          } catch (const std::exception& e) {
            with_body.error_text = e.what();
          }
          shared->deliver(
              [&](TransportListener& l) { l.on_subscribe_response(connection, with_body); });
        });
    return;
  }
  shared->deliver([&](TransportListener& l) { l.on_subscribe_response(connection, answer); });
  auto buffer = std::make_shared<std::vector<uint8_t>>(shared->options.read_bytes);
  read_stream(shared, client, connection, response.body(), buffer);
}

// Delivers a call's answer (or its failure as status 0) to the listener.
pplx::task<void> report_call(SharedPtr shared, uint64_t connection, const std::string& call_type,
                             pplx::task<http::http_response> t) {
  http::http_response response;
  try {
    response = t.get();
  } catch (const std::exception& e) {
    std::string text = e.what();
    shared->deliver(
        [&](TransportListener& l) { l.on_call_response(connection, call_type, 0, text); });
    return pplx::task_from_result();
  }
  int status = response.status_code();
  // Drain the body even when empty so the keep-alive connection can be reused.
  return response.extract_vector().then([=](pplx::task<std::vector<uint8_t>> body) {
    std::string text;
    try {
      auto bytes = body.get();
      text.assign(bytes.begin(), bytes.end());
    } catch (const std::exception& e) {
      text = e.what();
    }
    shared->deliver(
        [&](TransportListener& l) { l.on_call_response(connection, call_type, status, text); });
  });
}

// Sends one call; when it is answered, the calls that were waiting for it start. Called with
// shared->mu held.
void start_call(SharedPtr shared, uint64_t connection, const LaneCall& call) {
  http::http_request request = make_post(shared->call_path, call.body);
  request.headers().add("Mesos-Stream-Id", shared->call_stream_id);
  const uint64_t seq = call.seq;
  const std::string type = call.type;
  shared->call_client->request(request, shared->calls_cancel.get_token())
      .then([=](pplx::task<http::http_response> t) {
        return report_call(shared, connection, type, t);
      })
      .then([=](pplx::task<void> done) {
        try {
          done.get();
        } catch (...) {
        }
        std::lock_guard lock(shared->mu);
        // A new subscription reset the lanes: this answer frees nothing.
        if (shared->shutting_down || shared->call_connection != connection) return;
        for (const LaneCall& next : shared->lanes.finished(seq))
          start_call(shared, connection, next);
      });
}

}  // namespace

HttpTransport::HttpTransport(HttpTransportOptions options)
    : shared_(std::make_shared<Shared>(options)) {}

HttpTransport::~HttpTransport() {
  shutdown();
}

void HttpTransport::set_listener(TransportListener* listener) {
  std::lock_guard lock(shared_->mu);
  shared_->listener = listener;
}

void HttpTransport::open_subscription(uint64_t connection, const std::string& url,
                                      std::string body) {
  pplx::cancellation_token_source cancel;
  {
    std::lock_guard lock(shared_->mu);
    if (shared_->shutting_down) return;
    shared_->streams[connection] = cancel;
  }
  SplitUrl target = split_url(url);
  auto config = client_config(target.origin, shared_->options.stream_timeout);
  std::shared_ptr<http_client> client;
  try {
    client = std::make_shared<http_client>(target.origin, config);
  } catch (const std::exception& e) {
    shared_->forget(connection);
    SubscribeResponse failure{0, "", "", std::string("bad master URL: ") + e.what()};
    // Never call the listener synchronously: hand the failure to the pool.
    auto shared = shared_;
    pplx::create_task([shared, connection, failure] {
      shared->deliver([&](TransportListener& l) { l.on_subscribe_response(connection, failure); });
    });
    return;
  }
  auto shared = shared_;
  client->request(make_post(target.path, body), cancel.get_token())
      .then([shared, client, connection](pplx::task<http::http_response> request) {
        try {
          handle_subscribe_response(shared, client, connection, request.get());
        } catch (const std::exception& e) {
          bool ours = !shared->stream_closed(connection);
          shared->forget(connection);
          if (!ours) return;
          SubscribeResponse failure{0, "", "", e.what()};
          shared->deliver(
              [&](TransportListener& l) { l.on_subscribe_response(connection, failure); });
        }
      });
}

void HttpTransport::close_subscription(uint64_t connection) {
  std::lock_guard lock(shared_->mu);
  auto it = shared_->streams.find(connection);
  if (it == shared_->streams.end()) return;
  it->second.cancel();  // aborts the request and the body read: the socket is closed
  shared_->streams.erase(it);
}

void HttpTransport::send_call(uint64_t connection, const std::string& url,
                              const std::string& stream_id, const std::string& call_type,
                              std::string body) {
  std::lock_guard lock(shared_->mu);
  if (shared_->shutting_down) return;
  SplitUrl target = split_url(url);
  if (!shared_->call_client || shared_->call_origin != target.origin ||
      shared_->call_connection != connection) {
    // A new subscription gets fresh call connections and lanes: its calls must not wait behind
    // (or reuse the sockets of) calls made for a connection that has since been given up.
    shared_->calls_cancel.cancel();
    shared_->calls_cancel = pplx::cancellation_token_source();
    shared_->lanes.reset();
    auto config = client_config(target.origin, shared_->options.call_timeout);
    shared_->call_client = std::make_shared<http_client>(target.origin, config);
    shared_->call_origin = target.origin;
    shared_->call_connection = connection;
  }
  shared_->call_path = target.path;
  shared_->call_stream_id = stream_id;
  for (const LaneCall& call : shared_->lanes.submit(call_type, std::move(body))) {
    start_call(shared_, connection, call);
  }
}

void HttpTransport::shutdown() {
  std::unique_lock lock(shared_->mu);
  shared_->shutting_down = true;
  for (auto& [connection, cancel] : shared_->streams) cancel.cancel();
  shared_->streams.clear();
  shared_->calls_cancel.cancel();
  shared_->idle.wait(lock, [this] { return shared_->running == 0; });
  shared_->call_client.reset();
}

}  // namespace scale::mesos
