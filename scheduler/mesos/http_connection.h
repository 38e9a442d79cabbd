#pragma once

// The two kinds of HTTP/1.1 connection the Mesos client keeps, over Boost.Beast on an io_context
// the caller runs on one thread (every method and callback of a connection on that thread):
//   - CallConnection: a keep-alive connection for non-SUBSCRIBE calls, one exchange at a time;
//   - StreamConnection: the SUBSCRIBE request and its streamed (chunked) response body.
// Both ask a send gate right before their request goes on the wire (after connecting, when the
// connection is new): the write starts in that same handler, so nothing is sent once the gate
// has closed. Internal to http_transport.cpp, which owns the lanes and the listener.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scale::mesos {

// Where a request goes: "http://host:port/path" split. Only plain http: the client speaks
// neither TLS nor proxies (a master behind TLS needs a terminating proxy next to the replica).
struct HttpTarget {
  std::string host;
  std::string port;
  std::string path;
  std::string origin() const { return host + ":" + port; }
};
std::optional<HttpTarget> parse_http_target(const std::string& url);

// The bytes of a POST with a JSON body and the headers Mesos expects (Content-Type exactly
// application/json, Accept application/json, and the extra ones given, e.g. Mesos-Stream-Id).
std::string json_post(const HttpTarget& target, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers);

class CallConnection : public std::enable_shared_from_this<CallConnection> {
 public:
  // status 0 = no answer (connect/write/read failure, timeout, closed); body: the answer's body,
  // or what went wrong. `sent` false: the gate was closed and nothing was written.
  struct Result {
    bool sent = false;
    int status = 0;
    std::string body;
  };
  using Done = std::function<void(const Result&)>;

  CallConnection(boost::asio::io_context& io, HttpTarget target);
  // One request (whole bytes) and its response; only when idle(). A new connection connects
  // first. The gate is asked right before the write.
  void exchange(std::string request, std::chrono::milliseconds timeout,
                const std::function<bool()>& gate, Done done);
  bool idle() const { return !busy_ && reusable_; }
  void close();

 private:
  void connect();
  void write();
  void read();
  void finish(Result result);

  const HttpTarget target_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer deadline_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  std::string request_;
  std::function<bool()> gate_;
  Done done_;
  bool connected_ = false;
  bool busy_ = false;
  bool reusable_ = true;
};

class StreamConnection : public std::enable_shared_from_this<StreamConnection> {
 public:
  struct Head {
    int status = 0;  // 0 = no answer
    std::string stream_id;
    std::string location;
    std::string error_text;  // body of a non-200 answer, or what went wrong
  };
  using OnHead = std::function<void(const Head&)>;
  using OnBytes = std::function<void(std::string_view)>;
  using OnClosed = std::function<void(const std::string& reason)>;

  StreamConnection(boost::asio::io_context& io, HttpTarget target, size_t read_bytes);
  // Connects, asks the gate, sends the request; then the head (once), the body bytes as they
  // arrive (200 only), and how it ended. Nothing is reported after close().
  void open(std::string request, std::chrono::milliseconds head_timeout,
            const std::function<bool()>& gate, OnHead on_head, OnBytes on_bytes,
            OnClosed on_closed);
  void close();

 private:
  void connect();
  void write();
  void read_head();
  void read_chunk(void (StreamConnection::*then)(std::string_view, boost::system::error_code));
  void read_error_body();
  void on_error_body(std::string_view bytes, boost::system::error_code ec);
  void read_body();
  void on_body(std::string_view bytes, boost::system::error_code ec);
  void fail(const std::string& what);

  const HttpTarget target_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer deadline_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::response_parser<boost::beast::http::buffer_body> parser_;
  std::vector<char> chunk_;
  std::string request_;
  std::function<bool()> gate_;
  Head head_;
  OnHead on_head_;
  OnBytes on_bytes_;
  OnClosed on_closed_;
  bool closed_ = false;
};

}  // namespace scale::mesos
