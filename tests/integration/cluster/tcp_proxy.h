#pragma once

// A loopback TCP forwarder that a test can cut and restore, to lose a ZooKeeper connection on
// demand while the server keeps running (restarting a JVM takes seconds, more under load).

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace scale::cluster::testing {

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

 private:
  void run(std::stop_token stop);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  const uint16_t target_port_;
  std::atomic<bool> cut_{false};
  std::jthread thread_;
};

}  // namespace scale::cluster::testing
