#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include "tests/support/loopback.h"

namespace scale::test {
namespace {}  // namespace

TcpProxy::TcpProxy(uint16_t target_port) : target_port_(target_port) {
  listen_fd_ = listen_loopback(0, 16, &port_);
  if (listen_fd_ < 0) {
    throw std::runtime_error(std::string("TcpProxy: cannot listen: ") + std::strerror(errno));
  }
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

TcpProxy::~TcpProxy() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
}

std::string TcpProxy::address() const {
  return "127.0.0.1:" + std::to_string(port_);
}

void TcpProxy::start_capture() {
  std::lock_guard lock(capture_mutex_);
  capturing_ = true;
  captured_.clear();
}

std::string TcpProxy::captured_to_target() const {
  std::lock_guard lock(capture_mutex_);
  return captured_;
}

// Copies what is readable on `from` to `to`; false when the connection is over.
bool TcpProxy::forward(int from, int to, bool to_target) {
  char buffer[64 * 1024];
  const ssize_t n = read(from, buffer, sizeof buffer);
  if (n <= 0) return false;
  if (to_target) {
    bytes_to_target_ += static_cast<uint64_t>(n);
    std::lock_guard lock(capture_mutex_);
    constexpr size_t kCaptureBytes = 64 * 1024;
    if (capturing_ && captured_.size() < kCaptureBytes)
      captured_.append(buffer, std::min(static_cast<size_t>(n), kCaptureBytes - captured_.size()));
  }
  for (ssize_t done = 0; done < n;) {
    // MSG_NOSIGNAL: a peer that just closed must not SIGPIPE the test.
    const ssize_t written = send(to, buffer + done, static_cast<size_t>(n - done), MSG_NOSIGNAL);
    if (written <= 0) return false;
    done += written;
  }
  return true;
}

void TcpProxy::cut() {
  cut_ = true;
}

void TcpProxy::restore() {
  cut_ = false;
}

void TcpProxy::run(std::stop_token stop) {
  std::vector<std::pair<int, int>> links;  // client fd, server fd
  auto drop = [&](size_t i) {
    close(links[i].first);
    close(links[i].second);
    links.erase(links.begin() + static_cast<long>(i));
  };
  while (!stop.stop_requested()) {
    if (cut_) {
      while (!links.empty()) drop(0);
    }
    std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
    for (const auto& [client, server] : links) {
      fds.push_back({client, POLLIN, 0});
      fds.push_back({server, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 10) <= 0) continue;
    // Backwards, so dropping a link does not shift the ones still to visit.
    for (size_t i = links.size(); i-- > 0;) {
      const pollfd& from_client = fds[1 + 2 * i];
      const pollfd& from_server = fds[2 + 2 * i];
      bool alive = true;
      if (from_client.revents != 0) alive = forward(links[i].first, links[i].second, true);
      if (alive && from_server.revents != 0)
        alive = forward(links[i].second, links[i].first, false);
      if (!alive) drop(i);
    }
    // After the links polled above, so fds and links stay aligned.
    if (fds[0].revents & POLLIN) {
      const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      const int server = client >= 0 && !cut_ ? connect_loopback(target_port_) : -1;
      if (server >= 0) {
        links.emplace_back(client, server);
      } else if (client >= 0) {
        close(client);
      }
    }
  }
  while (!links.empty()) drop(0);
}

}  // namespace scale::test
