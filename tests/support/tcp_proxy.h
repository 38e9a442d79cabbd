#pragma once

// A loopback TCP forwarder that a test can cut and restore, to lose a ZooKeeper connection on
// demand while the server keeps running (restarting a JVM takes seconds, more under load), and
// that counts what the client side sent (to prove a process sent a server nothing).

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace scale::test {

class TcpProxy {
 public:
  explicit TcpProxy(uint16_t target_port);  // listens on a free 127.0.0.1 port
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::string address() const;  // "127.0.0.1:PORT", to use in a connect string
  // Drops every connection and refuses new ones (accepts, then closes) until restore().
  void cut();
  void restore();
  // Bytes forwarded from clients to the target so far.
  uint64_t bytes_to_target() const { return bytes_to_target_; }
  // From now on, keeps (up to 64 KiB of) what clients send, for a failure message.
  void start_capture();
  std::string captured_to_target() const;

 private:
  void run(std::stop_token stop);
  bool forward(int from, int to, bool to_target);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  const uint16_t target_port_;
  std::atomic<bool> cut_{false};
  std::atomic<uint64_t> bytes_to_target_{0};
  mutable std::mutex capture_mutex_;
  bool capturing_ = false;
  std::string captured_;
  std::jthread thread_;
};

}  // namespace scale::test
