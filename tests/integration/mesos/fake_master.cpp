#include "tests/integration/mesos/fake_master.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace scale::mesos::testing {
namespace {

bool send_all(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

bool FakeStream::send_chunk(const std::string& bytes) {
  std::lock_guard lock(mu_);
  if (ended_ || peer_closed_) return false;
  char size[32];
  std::snprintf(size, sizeof(size), "%zx\r\n", bytes.size());
  return send_all(fd_, size + bytes + "\r\n");
}

void FakeStream::end() {
  std::lock_guard lock(mu_);
  if (ended_) return;
  ended_ = true;
  send_all(fd_, "0\r\n\r\n");
  ::shutdown(fd_, SHUT_RDWR);
}

FakeMaster::FakeMaster(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // the kernel picks a free port
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("fake master cannot listen");
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeMaster::~FakeMaster() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard lock(mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : threads_) t.join();
  for (int fd : fds_) ::close(fd);
}

void FakeMaster::accept_loop() {
  int connections = 0;
  while (!stopping_) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    std::lock_guard lock(mu_);
    fds_.push_back(fd);
    int connection = ++connections;
    threads_.emplace_back([this, fd, connection] { serve(fd, connection); });
  }
}

bool FakeMaster::read_request(int fd, std::string* buffer, HttpRequest* request) {
  char chunk[4096];
  size_t header_end;
  while ((header_end = buffer->find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(n));
  }
  std::string head = buffer->substr(0, header_end);
  size_t line_end = head.find("\r\n");
  std::string request_line = head.substr(0, line_end);
  size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
  request->method = request_line.substr(0, sp1);
  request->path = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t pos = line_end + 2;
  while (pos < head.size() && line_end != std::string::npos) {
    line_end = head.find("\r\n", pos);
    std::string line =
        head.substr(pos, line_end == std::string::npos ? std::string::npos : line_end - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      size_t value_start = line.find_first_not_of(' ', colon + 1);
      request->headers[lower(line.substr(0, colon))] =
          value_start == std::string::npos ? "" : line.substr(value_start);
    }
    pos = line_end + 2;
  }
  size_t length = std::stoul(
      request->header("content-length").empty() ? "0" : request->header("content-length"));
  buffer->erase(0, header_end + 4);
  while (buffer->size() < length) {
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(n));
  }
  request->body = buffer->substr(0, length);
  buffer->erase(0, length);
  return true;
}

void FakeMaster::serve(int fd, int connection) {
  std::string buffer;
  HttpRequest request;
  while (!stopping_ && read_request(fd, &buffer, &request)) {
    request.connection = connection;
    HttpReply reply = handler_(request);
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    cv_.notify_all();
    std::string head =
        "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
    for (const auto& [name, value] : reply.headers) head += name + ": " + value + "\r\n";
    if (reply.stream) {
      send_all(fd, head + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      auto stream = std::make_shared<FakeStream>(fd);
      {
        std::lock_guard lock(mu_);
        streams_.push_back(stream);
      }
      cv_.notify_all();
      char byte;
      while (::recv(fd, &byte, 1, 0) > 0) {
      }
      stream->mark_peer_closed();
      return;
    }
    send_all(fd, head + "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n" +
                     reply.body);
    request = HttpRequest{};
  }
}

std::vector<HttpRequest> FakeMaster::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t FakeMaster::stream_count() const {
  std::lock_guard lock(mu_);
  return streams_.size();
}

std::shared_ptr<FakeStream> FakeMaster::wait_stream(size_t index,
                                                    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [&] { return streams_.size() > index; })) return nullptr;
  return streams_[index];
}

bool FakeMaster::wait_requests(const std::function<bool(const std::vector<HttpRequest>&)>& pred,
                               std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return pred(requests_); });
}

}  // namespace scale::mesos::testing
