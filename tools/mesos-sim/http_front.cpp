#include "http_front.h"

#include <cpprest/http_listener.h>
#include <glog/logging.h>
#include <pplx/threadpool.h>

#include "auth.h"
#include "request_rules.h"
#include "sim_routes.h"

namespace mesos_sim {
namespace {

using web::http::http_request;
using web::http::http_response;

constexpr const char* kSchedulerPath = "/master/api/v1/scheduler";

std::optional<std::string> header(const http_request& request, const char* name) {
  auto it = request.headers().find(name);
  if (it == request.headers().end()) return std::nullopt;
  return it->second;
}

void respond(const std::shared_ptr<Runtime>& rt, http_request request, const Reply& reply,
             const char* type = "text/plain; charset=utf-8") {
  http_response response(static_cast<web::http::status_code>(reply.status));
  if (!reply.body.empty()) {
    response.set_body(std::vector<unsigned char>(reply.body.begin(), reply.body.end()));
    response.headers().set_content_type(type);
  }
  if (reply.status == 405) response.headers().add("Allow", "POST");
  (void)rt;
  request.reply(response).then([](pplx::task<void> t) {
    try {
      t.get();
    } catch (...) {  // the client went away: nothing to do
    }
  });
}

// SUBSCRIBE on the core thread: open a stream, let the master answer on it, reply 200.
void subscribe_on_core(const std::shared_ptr<Runtime>& rt, http_request request, const Call& call,
                       const std::optional<std::string>& principal, Millis now) {
  std::string stream_id = rt->master.new_stream_id();
  auto body = rt->streams.open(stream_id);
  rt->master.subscribe(call, stream_id, now, principal);
  http_response response(web::http::status_codes::OK);
  response.headers().add("Mesos-Stream-Id", stream_id);
  response.set_body(body, "application/json");  // no length: Transfer-Encoding chunked
  request.reply(response).then([rt, stream_id](pplx::task<void> t) {
    try {
      t.get();
    } catch (...) {  // the connection broke
    }
    // The response ended: we closed it, or the client went away.
    rt->loop.post([rt, stream_id](Millis at) {
      rt->streams.close(stream_id);
      rt->master.stream_closed(stream_id, at);
    });
  });
}

void on_call_body(const std::shared_ptr<Runtime>& rt, http_request request, RequestHead head,
                  const std::vector<unsigned char>& body) {
  ParsedCall parsed = parse_call(reinterpret_cast<const char*>(body.data()), body.size());
  if (!parsed.call) return respond(rt, request, {400, parsed.error});
  if (parsed.call->type == CallType::SUBSCRIBE) {
    if (auto reply = check_subscribe(head, *parsed.call)) return respond(rt, request, *reply);
    rt->loop.post([rt, request, principal = head.principal, call = std::move(*parsed.call)](
                      Millis now) { subscribe_on_core(rt, request, call, principal, now); });
    return;
  }
  rt->loop.post([rt, request, head = std::move(head), call = std::move(*parsed.call)](Millis now) {
    respond(rt, request, rt->master.call(call, head.stream_id, now, head.principal));
  });
}

void scheduler_endpoint(const std::shared_ptr<Runtime>& rt, http_request request,
                        std::optional<std::string> principal) {
  RequestHead head{request.method(), header(request, "Content-Type"), header(request, "Accept"),
                   header(request, "Mesos-Stream-Id"), std::move(principal)};
  if (auto reply = check_before_body(head, rt->config.strict)) {
    return respond(rt, request, *reply);
  }
  request.extract_vector().then([rt, request, head](pplx::task<std::vector<unsigned char>> t) {
    std::vector<unsigned char> body;
    try {
      body = t.get();
    } catch (const std::exception& e) {
      return respond(rt, request, {400, std::string("Failed to read the body: ") + e.what()});
    }
    on_call_body(rt, request, head, body);
  });
}

// A non-leading instance redirects to the leader (protocol-relative) or answers 503.
bool redirect_unless_leading(const std::shared_ptr<Runtime>& rt, http_request& request,
                             const std::string& path) {
  LeaderView::Snapshot view = rt->leader.get();
  if (view.leading) return false;
  if (!view.leader) {
    respond(rt, request, {503, "No leader elected"});
    return true;
  }
  http_response response(web::http::status_codes::TemporaryRedirect);
  bool base = path == "/redirect" || path == "/master/redirect";
  // The master serves the scheduler API as /master/api/v1/scheduler (the other path is an alias):
  // its Location names that one, whichever was asked.
  response.headers().add("Location", "//" + *view.leader + (base ? "" : kSchedulerPath));
  request.reply(response).then([](pplx::task<void> t) {
    try {
      t.get();
    } catch (...) {
    }
  });
  return true;
}

// The scheduler realm's basic authenticator runs before any handler (401 comes before 307/503).
bool unauthenticated(const std::shared_ptr<Runtime>& rt, http_request& request,
                     std::optional<std::string>* principal) {
  if (rt->config.credentials.empty()) return false;
  *principal = authenticate(header(request, "Authorization"), rt->config.credentials);
  if (*principal) return false;
  http_response response(web::http::status_codes::Unauthorized);
  response.headers().add("WWW-Authenticate",
                         std::string("Basic realm=\"") + kSchedulerRealm + "\"");
  std::string body = "401 Unauthorized.";
  response.set_body(std::vector<unsigned char>(body.begin(), body.end()));
  response.headers().set_content_type("text/plain; charset=utf-8");
  request.reply(response).then([](pplx::task<void> t) {
    try {
      t.get();
    } catch (...) {
    }
  });
  return true;
}

void route(const std::shared_ptr<Runtime>& rt, http_request request) {
  const std::string path = request.relative_uri().path();
  if (path.rfind("/sim/", 0) == 0) return handle_sim(rt, request);
  bool scheduler = path == "/api/v1/scheduler" || path == kSchedulerPath;
  bool redirect = path == "/redirect" || path == "/master/redirect";
  if (!scheduler && !redirect) return respond(rt, request, {404, ""});
  std::optional<std::string> principal;
  if (scheduler && unauthenticated(rt, request, &principal)) return;
  if (redirect_unless_leading(rt, request, path)) return;
  if (redirect) {  // the leader points at itself
    http_response response(web::http::status_codes::TemporaryRedirect);
    response.headers().add(
        "Location", "//" + rt->config.hostname + ":" + std::to_string(rt->config.listen.port));
    request.reply(response).then([](pplx::task<void> t) {
      try {
        t.get();
      } catch (...) {
      }
    });
    return;
  }
  scheduler_endpoint(rt, request, std::move(principal));
}

}  // namespace

struct HttpFront::Impl {
  std::shared_ptr<Runtime> runtime;
  web::http::experimental::listener::http_listener listener;
};

HttpFront::HttpFront(std::shared_ptr<Runtime> runtime) {
  const auto& listen = runtime->config.listen;
  std::string uri = "http://" + listen.host + ":" + std::to_string(listen.port);
  impl_ =
      std::make_unique<Impl>(Impl{runtime, web::http::experimental::listener::http_listener(uri)});
  impl_->listener.support([rt = runtime](http_request request) {
    try {
      route(rt, request);
    } catch (const std::exception& e) {
      LOG(ERROR) << "request failed: " << e.what();
      respond(rt, request, {500, e.what()});
    }
  });
}

HttpFront::~HttpFront() = default;

void HttpFront::initialize_threads(size_t threads) {
  crossplat::threadpool::initialize_with_threads(threads);
}

void HttpFront::open() {
  impl_->listener.open().wait();
}

void HttpFront::close() {
  impl_->listener.close().wait();
}

}  // namespace mesos_sim
