#pragma once

#include <netinet/in.h>

#include <cstdint>

// Plain TCP sockets on 127.0.0.1 for tests that need bytes no HTTP client would send, a port held
// busy, or a proxy in the middle. Every fd returned is close-on-exec; the caller closes it.
namespace scale::test {

sockaddr_in loopback_address(uint16_t port);

// A connected socket to 127.0.0.1:port, or -1.
int connect_loopback(uint16_t port);

// A listening socket on 127.0.0.1:port (0: the kernel picks). Writes the bound port to
// *bound_port when given. -1 when bind or listen fails.
int listen_loopback(uint16_t port, int backlog, uint16_t* bound_port = nullptr);

}  // namespace scale::test
