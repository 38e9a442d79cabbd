// The only translation unit of api/ that includes cpprestsdk: it turns http_requests into
// api::Request values, runs the router and handlers, and sends api::Response values back.
#include "api/server.h"

#include <cpprest/http_listener.h>
#include <glog/logging.h>
#include <pplx/threadpool.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "api/bearer_auth.h"
#include "api/context.h"
#include "api/json_response.h"
#include "api/response_headers.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/tls_identity.h"
#include "api/worker_threads.h"

namespace scale::api {
namespace {

namespace http = web::http;
using http::experimental::listener::http_listener;

// How long stop() waits for requests already in a handler (a PATCH on a slow database).
constexpr std::chrono::seconds kDrainTimeout{10};

// Counts requests between arrival and reply, so stop() can wait until no handler still uses the
// pool, the cache or the view callback, all of which belong to the caller.
class InFlight {
 public:
  class Token {
   public:
    explicit Token(InFlight& owner) : owner_(owner) {
      std::lock_guard lock(owner_.mutex_);
      ++owner_.count_;
    }
    ~Token() {
      std::lock_guard lock(owner_.mutex_);
      if (--owner_.count_ == 0) owner_.idle_.notify_all();
    }
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;

   private:
    InFlight& owner_;
  };

  bool wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return count_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable idle_;
  int count_ = 0;
};

// Everything a request needs, shared with body-reading continuations so it outlives them.
struct Core {
  Core(ServerOptions options, db::Pool& pool, db::Pool& reads, std::function<LocalView()> view)
      : context(std::move(options), pool, reads, std::move(view)),
        router(make_routes(context)),
        auth(context.options.api_token, context.options.api_token_reads),
        workers(context.options.database_threads) {}
  Context context;
  Router router;  // its handlers refer to `context`, so Core never moves
  const BearerAuth auth;
  InFlight in_flight;
  WorkerThreads workers;  // runs the routes that use the database
};

using TokenPtr = std::shared_ptr<InFlight::Token>;

// The /metrics label of requests answered before a route matched (401/403, 404, 405).
const std::string kUnrouted = "unrouted";

// `route` labels the request in /metrics: the matched pattern, never the raw path. `req` is the
// request's plain copy, which knows when it arrived.
void send(Core& core, const http::http_request& request, const Request& req, Response response,
          const std::string& route) {
  core.context.http_metrics.record(route, req.method, response.status,
                                   std::chrono::steady_clock::now() - req.received);
  add_replica_headers(response, core.context.view(), core.context.options.replica_id);
  http::http_response reply(static_cast<http::status_code>(response.status));
  for (const auto& [name, value] : response.headers) reply.headers().add(name, value);
  // A byte vector, not a std::string: cpprest reads a string body through a streambuf<char>
  // reinterpreted as streambuf<uint8_t>, which UBSan's vptr check rightly reports.
  if (!response.content_type.empty()) reply.headers().set_content_type(response.content_type);
  reply.set_body(std::vector<unsigned char>(response.body.begin(), response.body.end()));
  try {
    // The reply task fails when the client is gone or the listener is closing; observe it, since
    // an unobserved failed pplx task terminates the process.
    request.reply(reply).then([](pplx::task<void> sent) {
      try {
        sent.get();
      } catch (const std::exception& e) {
        VLOG(1) << "api: reply not delivered: " << e.what();
      }
    });
  } catch (const std::exception& e) {
    VLOG(1) << "api: cannot reply: " << e.what();
  }
}

Response run_handler(const Route& route, const Request& request) {
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    LOG(ERROR) << "api: " << request.method << " " << request.path << " failed: " << e.what();
    return error_response(500, std::string("internal error: ") + e.what());
  } catch (...) {
    LOG(ERROR) << "api: " << request.method << " " << request.path << " failed";
    return error_response(500, "internal error");
  }
}

// Runs the route's handler and replies: in place when it answers from memory, on the worker
// threads when it waits on PostgreSQL, so cpprestsdk's pool never blocks in libpq.
void handle(std::shared_ptr<Core> core, http::http_request request, const Route& route, Request req,
            TokenPtr token) {
  if (!route.uses_database) {
    return send(*core, request, req, run_handler(route, req), route.path);
  }
  const auto timeout = core->context.options.database_queue_timeout;
  // What send() needs to answer a refused post, since the task takes `req` with it.
  const Request refusal{req.method, {}, {}, {}, req.received};
  auto task = [core, request, &route, req = std::move(req), token = std::move(token),
               timeout](std::chrono::steady_clock::duration waited) mutable {
    // The database (or this replica) is too slow for the load: answer at once rather than let
    // every later request wait behind this one too.
    auto response = waited > timeout ? error_response(503, "database busy: request queued too long")
                                     : run_handler(route, req);
    send(*core, request, req, std::move(response), route.path);
    token.reset();
  };
  // `request` is a shared handle: the task's copy leaves this one usable for the refusal.
  if (!core->workers.post(std::move(task))) {
    send(*core, request, refusal, error_response(503, "server is stopping"), route.path);
  }
}

// The Content-Length the client declared, if any and parsable.
std::optional<unsigned long long> declared_length(const http::http_request& request) {
  const auto& headers = request.headers();
  const auto it = headers.find(http::header_names::content_length);
  if (it == headers.end()) return std::nullopt;
  unsigned long long length = 0;
  const auto& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return length;
}

Response too_large(size_t max_bytes) {
  auto response =
      error_response(413, "request body larger than " + std::to_string(max_bytes) + " bytes");
  // cpprestsdk still takes in the whole body before it sends this; at least do not keep the
  // connection of a client that sends such bodies.
  response.headers.emplace_back("Connection", "close");
  return response;
}

// Reads the body without blocking this pool thread (a continuation runs when it has arrived),
// checks its size, then runs the handler.
void read_body_then_handle(std::shared_ptr<Core> core, http::http_request request,
                           const Route& route, Request req, TokenPtr token) {
  const size_t max_bytes = core->context.options.max_body_bytes;
  request.extract_vector().then([core = std::move(core), request, &route, req = std::move(req),
                                 token = std::move(token),
                                 max_bytes](pplx::task<std::vector<unsigned char>> body) mutable {
    // Nothing may escape this continuation: an exception left in a discarded task aborts.
    try {
      Response response;
      try {
        const auto bytes = body.get();
        if (bytes.size() > max_bytes) {
          response = too_large(max_bytes);
        } else {
          req.body.assign(bytes.begin(), bytes.end());
          return handle(std::move(core), std::move(request), route, std::move(req),
                        std::move(token));
        }
      } catch (const std::exception& e) {
        // Typically the client closed before sending all it announced; e.what() is an errno text.
        VLOG(1) << "api: reading a request body: " << e.what();
        response = error_response(400, "request body could not be read completely");
      }
      send(*core, request, req, std::move(response), route.path);
    } catch (...) {
      LOG(ERROR) << "api: unexpected failure answering " << req.method << " " << req.path;
    }
    token.reset();
  });
}

std::optional<std::string> header_of(const http::http_request& request, const std::string& name) {
  const auto& headers = request.headers();
  const auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

void dispatch(const std::shared_ptr<Core>& core, http::http_request request) {
  auto token = std::make_shared<InFlight::Token>(core->in_flight);
  Request req;
  req.received = std::chrono::steady_clock::now();
  req.method = request.method();
  req.path = request.request_uri().path();
  req.query = request.request_uri().query();
  req.if_none_match = header_of(request, http::header_names::if_none_match).value_or("");
  // Before routing and before any body is read: an unauthenticated client learns nothing about
  // the routes and cannot make the server take in a body.
  if (auto refused = core->auth.check(req.method, req.path,
                                      header_of(request, http::header_names::authorization))) {
    return send(*core, request, req, std::move(*refused), kUnrouted);
  }
  const auto match = core->router.match(req.method, req.path);
  switch (match.outcome) {
    case Router::Outcome::NotFound:
      return send(*core, request, req, error_response(404, "not found: " + sanitize(req.path)),
                  kUnrouted);
    case Router::Outcome::MethodNotAllowed: {
      auto response = error_response(
          405, "method " + sanitize(req.method, 20) + " not allowed; allowed: " + match.allow);
      response.headers.emplace_back("Allow", match.allow);
      return send(*core, request, req, std::move(response), kUnrouted);
    }
    case Router::Outcome::Found:
      break;
  }
  const Route& route = *match.route;
  if (!route.reads_body) return handle(core, std::move(request), route, std::move(req), token);
  // Refuse early what the client announces as too large; the actual size is checked too, since
  // chunked bodies announce nothing.
  const auto length = declared_length(request);
  if (length && *length > core->context.options.max_body_bytes) {
    return send(*core, request, req, too_large(core->context.options.max_body_bytes), route.path);
  }
  read_body_then_handle(core, std::move(request), route, std::move(req), std::move(token));
}

bool tls_enabled(const ServerOptions& options) {
  return !options.tls_cert_file.empty() || !options.tls_key_file.empty();
}

std::string listen_uri(const ServerOptions& options) {
  const bool ipv6 = options.listen_host.find(':') != std::string::npos;
  const auto host = ipv6 ? "[" + options.listen_host + "]" : options.listen_host;
  return (tls_enabled(options) ? "https://" : "http://") + host + ":" +
         std::to_string(options.port);
}

// cpprestsdk calls the callback for every accepted connection, on its io thread: it must not
// throw. A context left without a certificate fails that one handshake, not the server.
http::experimental::listener::http_listener_config listener_config(const ServerOptions& options) {
  http::experimental::listener::http_listener_config config;
  if (!tls_enabled(options)) return config;
  std::shared_ptr<const TlsIdentity> identity =
      TlsIdentity::load(options.tls_cert_file, options.tls_key_file);
  config.set_ssl_context_callback([identity](boost::asio::ssl::context& ctx) {
    if (!identity->install(ctx.native_handle())) {
      LOG_EVERY_N(ERROR, 100) << "api: cannot install the TLS certificate in a connection";
    }
  });
  return config;
}

// Sizes cpprestsdk's process-wide pool, which only works before its first use; a second server
// in the process (tests) or an earlier cpprestsdk user keeps the pool it found.
void size_http_pool(size_t threads) {
  try {
    crossplat::threadpool::initialize_with_threads(threads);
    LOG(INFO) << "api: cpprestsdk thread pool of " << threads << " threads";
  } catch (const std::exception& e) {
    VLOG(1) << "api: cpprestsdk thread pool already sized: " << e.what();
  }
}

}  // namespace

size_t http_thread_count(size_t configured, unsigned hardware_threads) {
  if (configured > 0) return configured;
  // Two at least: one thread would serialise a TLS handshake or a slow client with everything.
  return std::max<size_t>(2, hardware_threads);
}

struct Server::Impl {
  std::shared_ptr<Core> core;
  std::unique_ptr<http_listener> listener;
};

Server::Server(ServerOptions options, db::Pool& pool, std::function<LocalView()> view,
               db::Pool* reads)
    : impl_(std::make_unique<Impl>()) {
  impl_->core =
      std::make_shared<Core>(std::move(options), pool, reads ? *reads : pool, std::move(view));
}

Server::~Server() {
  stop();
}

void Server::start() {
  if (impl_->listener) return;
  const auto& options = impl_->core->context.options;
  if (options.port == 0) throw std::runtime_error("api: port 0 is not allowed; pick a port");
  const auto uri = listen_uri(options);
  // Before anything starts, so unusable TLS files fail start() with nothing to undo.
  auto config = listener_config(options);
  size_http_pool(http_thread_count(options.http_threads, std::thread::hardware_concurrency()));
  impl_->core->context.cache.start();
  impl_->core->workers.start();
  try {
    auto listener = std::make_unique<http_listener>(uri, std::move(config));
    listener->support(
        [core = impl_->core](http::http_request request) { dispatch(core, std::move(request)); });
    listener->open().wait();
    impl_->listener = std::move(listener);
  } catch (const std::exception& e) {
    impl_->core->workers.stop();
    impl_->core->context.cache.stop();
    throw std::runtime_error("api: cannot listen on " + uri + ": " + e.what());
  }
  LOG(INFO) << "api: listening on " << uri << " as replica " << options.replica_id
            << (impl_->core->auth.enabled()
                    ? (options.api_token_reads ? ", token required for every call but health checks"
                                               : ", token required for writes")
                    : "");
}

void Server::stop() {
  if (!impl_->listener) return;
  try {
    // Stops accepting, closes open connections and waits for them; never call from a handler.
    impl_->listener->close().wait();
  } catch (const std::exception& e) {
    LOG(WARNING) << "api: closing the listener: " << e.what();
  }
  impl_->listener.reset();
  if (!impl_->core->in_flight.wait_idle(kDrainTimeout)) {
    LOG(ERROR) << "api: requests still running " << kDrainTimeout.count() << " s after stop";
  }
  impl_->core->workers.stop();  // answers what is still queued, then joins
  impl_->core->context.cache.stop();
  LOG(INFO) << "api: stopped";
}

}  // namespace scale::api
