#include "raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace mesos_sim::client {
namespace {

using Clock = std::chrono::steady_clock;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string Response::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

Connection::Connection(uint16_t port, std::string host) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

void Connection::send_raw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += static_cast<size_t>(n);
  }
}

void Connection::send(const std::string& method, const std::string& path, const Headers& headers,
                      const std::string& body) {
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  send_raw(request);
}

bool Connection::fill(Clock::time_point deadline) {
  if (eof_) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  pollfd p{fd_, POLLIN, 0};
  if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char chunk[65536];
  ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buf_.append(chunk, static_cast<size_t>(n));
  return true;
}

Response Connection::read_head(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  size_t end;
  while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) return {};
  }
  Response response;
  std::string head = buf_.substr(0, end + 2);
  buf_.erase(0, end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() >= 12) response.status = std::atoi(status_line.c_str() + 9);
  for (size_t pos = line_end + 2; pos < head.size();) {
    size_t next = head.find("\r\n", pos);
    std::string line = head.substr(pos, next - pos);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      size_t value = line.find_first_not_of(' ', colon + 1);
      response.headers[lower(line.substr(0, colon))] =
          value == std::string::npos ? "" : line.substr(value);
    }
    pos = next + 2;
  }
  last_chunk_ = false;
  return response;
}

bool Connection::decode_chunks() {
  for (;;) {
    size_t line_end = buf_.find("\r\n");
    if (line_end == std::string::npos) return true;
    size_t size = std::stoul(buf_.substr(0, line_end), nullptr, 16);
    if (buf_.size() < line_end + 2 + size + 2) return true;
    if (buf_.compare(line_end + 2 + size, 2, "\r\n") != 0) return false;
    raw_.append(buf_, 0, line_end + 2 + size + 2);
    data_.append(buf_, line_end + 2, size);
    buf_.erase(0, line_end + 2 + size + 2);
    if (size == 0) {
      last_chunk_ = true;
      return true;
    }
  }
}

std::optional<std::string> Connection::next_record(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (!decode_chunks()) throw std::runtime_error("bad chunked framing");
    size_t newline = data_.find('\n');
    if (newline != std::string::npos) {
      size_t length = std::stoull(data_.substr(0, newline));
      if (data_.size() >= newline + 1 + length) {
        std::string record = data_.substr(newline + 1, length);
        data_.erase(0, newline + 1 + length);
        return record;
      }
    }
    if (last_chunk_ || !fill(deadline)) return std::nullopt;
  }
}

Response Connection::read_response(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  Response response = read_head(timeout);
  if (response.status == 0) return response;
  std::string length = response.header("content-length");
  if (!length.empty()) {
    size_t n = std::stoul(length);
    while (buf_.size() < n) {
      if (!fill(deadline)) return {};
    }
    response.body = buf_.substr(0, n);
    buf_.erase(0, n);
  } else if (lower(response.header("transfer-encoding")) == "chunked") {
    while (decode_chunks() && !last_chunk_) {
      if (!fill(deadline)) return {};
    }
    response.body.swap(data_);
    data_.clear();
  } else if (response.status != 204 && response.status != 304 && response.status >= 200) {
    while (fill(deadline)) {
    }
    response.body.swap(buf_);
  }
  return response;
}

Response Connection::call(const std::string& method, const std::string& path,
                          const Headers& headers, const std::string& body,
                          std::chrono::milliseconds timeout) {
  send(method, path, headers, body);
  return read_response(timeout);
}

}  // namespace mesos_sim::client
