#pragma once

// A minimal blocking HTTP/1.1 client over a raw socket, for the emulator's conformance tests and
// its load benchmark: it sends exactly the bytes asked for and exposes the raw chunked body, so
// tests can check the chunking and RecordIO framing byte for byte. Written for mesos-sim only
// (the scheduler's Mesos client is deliberately independent of it).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mesos_sim::client {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const;
};

class Connection {
 public:
  explicit Connection(uint16_t port, std::string host = "127.0.0.1");  // throws on failure
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send(const std::string& method, const std::string& path, const Headers& headers,
            const std::string& body);
  void send_raw(const std::string& bytes);
  // A whole response (Content-Length, chunked or until EOF). status 0 on timeout/EOF.
  Response read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  Response call(const std::string& method, const std::string& path, const Headers& headers,
                const std::string& body,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Streaming (SUBSCRIBE): the head only, then one RecordIO record at a time.
  Response read_head(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::optional<std::string> next_record(std::chrono::milliseconds timeout);
  bool at_eof() const { return eof_; }                  // the server closed the connection
  bool stream_ended() const { return last_chunk_; }     // the terminating 0-size chunk arrived
  const std::string& raw_body() const { return raw_; }  // chunk-encoded bytes as received

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // false on EOF or timeout
  bool decode_chunks();  // moves complete chunk data from buf_ to data_; false on bad framing

  int fd_ = -1;
  std::string buf_;   // received, not yet consumed
  std::string data_;  // decoded body bytes not yet consumed as records
  std::string raw_;
  bool eof_ = false, last_chunk_ = false;
};

}  // namespace mesos_sim::client
