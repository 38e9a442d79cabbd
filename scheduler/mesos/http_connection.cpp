#include "scheduler/mesos/http_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <limits>
#include <sstream>

namespace scale::mesos {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

// An error body is a sentence or two; a bound keeps a misdirected request from reading a page.
constexpr size_t kMaxErrorText = 64 * 1024;

bool ended(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == http::error::partial_message;
}

}  // namespace

std::optional<HttpTarget> parse_http_target(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return std::nullopt;
  const size_t authority = kScheme.size();
  const size_t slash = url.find('/', authority);
  const std::string host_port = url.substr(authority, slash - authority);
  const size_t colon = host_port.rfind(':');
  HttpTarget target;
  target.host = colon == std::string::npos ? host_port : host_port.substr(0, colon);
  target.port = colon == std::string::npos ? "80" : host_port.substr(colon + 1);
  target.path = slash == std::string::npos ? "/" : url.substr(slash);
  if (target.host.empty() || target.port.empty()) return std::nullopt;
  return target;
}

std::string json_post(const HttpTarget& target, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> request{http::verb::post, target.path, 11};
  request.set(http::field::host, target.origin());
  // Exactly this: the master compares the whole string (415 for anything with a charset).
  request.set(http::field::content_type, "application/json");
  request.set(http::field::accept, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  std::ostringstream bytes;
  bytes << request;
  return bytes.str();
}

// ------------------------------------------------------------------------------ CallConnection

CallConnection::CallConnection(asio::io_context& io, HttpTarget target)
    : target_(std::move(target)), resolver_(io), socket_(io), deadline_(io) {}

void CallConnection::exchange(std::string request, std::chrono::milliseconds timeout,
                              const std::function<bool()>& gate, Done done) {
  busy_ = true;
  request_ = std::move(request);
  gate_ = gate;
  done_ = std::move(done);
  deadline_.expires_after(timeout);
  deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
    error_code ignored;
    if (!ec) self->socket_.close(ignored);  // the pending operation fails: finish() reports it
  });
  connected_ ? write() : connect();
}

void CallConnection::connect() {
  resolver_.async_resolve(
      target_.host, target_.port,
      [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type results) {
        if (ec)
          return self->finish({false, 0, "resolve " + self->target_.host + ": " + ec.message()});
        asio::async_connect(
            self->socket_, results, [self](const error_code& ec, const tcp::endpoint&) {
              if (ec)
                return self->finish(
                    {false, 0, "connect " + self->target_.origin() + ": " + ec.message()});
              self->connected_ = true;
              error_code ignored;
              self->socket_.set_option(tcp::no_delay(true), ignored);
              self->write();
            });
      });
}

void CallConnection::write() {
  if (gate_ && !gate_()) return finish({false, 0, "not sent: the send gate is closed"});
  // Started here, right after the gate said yes: asio tries the send at once, in this handler.
  asio::async_write(socket_, asio::buffer(request_),
                    [self = shared_from_this()](const error_code& ec, size_t) {
                      if (ec) return self->finish({true, 0, "write: " + ec.message()});
                      self->read();
                    });
}

void CallConnection::read() {
  response_.emplace();
  http::async_read(socket_, buffer_, *response_,
                   [self = shared_from_this()](const error_code& ec, size_t) {
                     if (ec) return self->finish({true, 0, "read: " + ec.message()});
                     self->reusable_ = self->response_->keep_alive();
                     self->finish({true, static_cast<int>(self->response_->result_int()),
                                   std::move(self->response_->body())});
                   });
}

void CallConnection::finish(Result result) {
  auto done = std::exchange(done_, nullptr);
  deadline_.cancel();
  busy_ = false;
  if (result.sent && result.status == 0) reusable_ = false;  // the socket's state is unknown
  if (!result.sent && !connected_) reusable_ = false;
  if (!reusable_) close();
  if (done) done(result);
}

void CallConnection::close() {
  done_ = nullptr;  // closed by its owner: nothing is reported (and no handler keeps it alive)
  reusable_ = false;
  error_code ignored;
  resolver_.cancel();
  deadline_.cancel();
  socket_.close(ignored);
}

// ---------------------------------------------------------------------------- StreamConnection

StreamConnection::StreamConnection(asio::io_context& io, HttpTarget target, size_t read_bytes)
    : target_(std::move(target)), resolver_(io), socket_(io), deadline_(io), chunk_(read_bytes) {
  // The body is the subscription: it lasts as long as it lasts. Not boost::none: Boost 1.74
  // compares a Content-Length with an empty optional limit as exceeded (any 401 with a body).
  parser_.body_limit(std::numeric_limits<std::uint64_t>::max());
}

void StreamConnection::open(std::string request, std::chrono::milliseconds head_timeout,
                            const std::function<bool()>& gate, OnHead on_head, OnBytes on_bytes,
                            OnClosed on_closed) {
  request_ = std::move(request);
  gate_ = gate;
  on_head_ = std::move(on_head);
  on_bytes_ = std::move(on_bytes);
  on_closed_ = std::move(on_closed);
  deadline_.expires_after(head_timeout);
  deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
    error_code ignored;
    if (!ec) self->socket_.close(ignored);
  });
  connect();
}

void StreamConnection::connect() {
  resolver_.async_resolve(
      target_.host, target_.port,
      [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type results) {
        if (ec) return self->fail("resolve " + self->target_.host + ": " + ec.message());
        asio::async_connect(
            self->socket_, results, [self](const error_code& ec, const tcp::endpoint&) {
              if (ec) return self->fail("connect " + self->target_.origin() + ": " + ec.message());
              error_code ignored;
              self->socket_.set_option(tcp::no_delay(true), ignored);
              self->write();
            });
      });
}

void StreamConnection::write() {
  if (closed_) return;
  if (gate_ && !gate_()) return fail("not sent: the send gate is closed");
  asio::async_write(socket_, asio::buffer(request_),
                    [self = shared_from_this()](const error_code& ec, size_t) {
                      if (ec) return self->fail("write: " + ec.message());
                      self->read_head();
                    });
}

void StreamConnection::read_head() {
  http::async_read_header(
      socket_, buffer_, parser_, [self = shared_from_this()](const error_code& ec, size_t) {
        if (self->closed_) return;
        if (ec) return self->fail("read: " + ec.message());
        const auto& response = self->parser_.get();
        self->head_.status = static_cast<int>(response.result_int());
        self->head_.stream_id = std::string(response["Mesos-Stream-Id"]);
        self->head_.location = std::string(response[http::field::location]);
        if (self->head_.status != 200) return self->read_error_body();
        self->deadline_.cancel();  // from here on, the heartbeat watchdog judges the stream
        self->on_head_(self->head_);
        self->read_body();
      });
}

// Reads the body bytes that have arrived (at least one parse step) into chunk_, then hands them
// and how the read went to `then`; nothing once the stream is closed.
void StreamConnection::read_chunk(void (StreamConnection::*then)(std::string_view, error_code)) {
  parser_.get().body().data = chunk_.data();
  parser_.get().body().size = chunk_.size();
  http::async_read_some(socket_, buffer_, parser_,
                        [self = shared_from_this(), then](error_code ec, size_t) {
                          if (self->closed_) return;
                          const size_t got = self->chunk_.size() - self->parser_.get().body().size;
                          if (ec == http::error::need_buffer) ec = {};
                          ((*self).*then)(std::string_view(self->chunk_.data(), got), ec);
                        });
}

void StreamConnection::read_error_body() {
  if (parser_.is_done() || head_.error_text.size() >= kMaxErrorText) {
    closed_ = true;
    close();
    return on_head_(head_);
  }
  read_chunk(&StreamConnection::on_error_body);
}

void StreamConnection::on_error_body(std::string_view bytes, error_code ec) {
  head_.error_text.append(bytes);
  if (!ec) return read_error_body();
  if (!ended(ec)) head_.error_text += " (" + ec.message() + ")";
  closed_ = true;
  close();
  on_head_(head_);
}

void StreamConnection::read_body() {
  if (parser_.is_done()) return fail("end of stream");
  read_chunk(&StreamConnection::on_body);
}

void StreamConnection::on_body(std::string_view bytes, error_code ec) {
  if (!bytes.empty()) on_bytes_(bytes);
  if (closed_) return;  // the listener closed the stream while handling the bytes
  if (ec) return fail(ended(ec) ? "end of stream" : ec.message());
  read_body();
}

// Reports a stream that could not start (as a head with status 0) or that ended; once.
void StreamConnection::fail(const std::string& what) {
  if (closed_) return;
  const bool head_delivered = head_.status == 200;
  closed_ = true;
  close();
  if (head_delivered) return on_closed_(what);
  head_.status = 0;
  head_.error_text = what;
  on_head_(head_);
}

void StreamConnection::close() {
  closed_ = true;
  error_code ignored;
  resolver_.cancel();
  deadline_.cancel();
  socket_.close(ignored);
}

}  // namespace scale::mesos
