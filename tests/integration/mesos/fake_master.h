#pragma once

// A tiny scripted Mesos master for the client's integration tests: raw sockets, HTTP/1.1 with
// keep-alive, chunked streaming replies written by the test chunk by chunk. It knows nothing of
// Mesos; each test's handler decides the replies.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace scale::mesos::testing {

struct HttpRequest {
  int connection = 0;  // which TCP connection it came on (1, 2, ...)
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

struct HttpReply {
  int status = 202;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool stream = false;  // 200 chunked; the test writes the chunks through a FakeStream
};

// The open body of a streamed reply.
class FakeStream {
 public:
  explicit FakeStream(int fd) : fd_(fd) {}
  bool send_chunk(const std::string& bytes);  // one HTTP chunk; false once the peer is gone
  void end();                                 // terminating zero chunk, then close
  bool peer_closed() const { return peer_closed_; }
  void mark_peer_closed() { peer_closed_ = true; }

 private:
  std::mutex mu_;
  int fd_;
  bool ended_ = false;
  std::atomic<bool> peer_closed_{false};
};

class FakeMaster {
 public:
  using Handler = std::function<HttpReply(const HttpRequest&)>;
  explicit FakeMaster(Handler handler);
  ~FakeMaster();  // closes every socket and joins every thread

  uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<HttpRequest> requests() const;
  size_t stream_count() const;
  // The index-th streamed reply (0-based), waiting for it up to `timeout`; null on timeout.
  std::shared_ptr<FakeStream> wait_stream(size_t index, std::chrono::milliseconds timeout);
  // Waits until `pred(requests())` holds.
  bool wait_requests(const std::function<bool(const std::vector<HttpRequest>&)>& pred,
                     std::chrono::milliseconds timeout);

 private:
  void accept_loop();
  void serve(int fd, int connection);
  bool read_request(int fd, std::string* buffer, HttpRequest* request);

  Handler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<HttpRequest> requests_;
  std::vector<std::shared_ptr<FakeStream>> streams_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace scale::mesos::testing
