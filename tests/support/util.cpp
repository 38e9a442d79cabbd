#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "tests/support/internal.h"
#include "tests/support/loopback.h"
#include "tests/support/servers.h"

namespace scale::test {
namespace {

// Owns a socket fd.
struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// 0 when the bind fails, else the bound port (port 0 = let the kernel choose).
uint16_t try_bind(uint16_t port) {
  Fd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (s.fd < 0) return 0;
  sockaddr_in addr = loopback_address(port);
  if (bind(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 0;
  socklen_t len = sizeof addr;
  if (getsockname(s.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  return ntohs(addr.sin_port);
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

bool connect_within(int fd, uint16_t port, std::chrono::steady_clock::time_point deadline) {
  sockaddr_in addr = loopback_address(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return true;
  if (errno != EINPROGRESS) return false;
  pollfd p{fd, POLLOUT, 0};
  if (poll(&p, 1, remaining_ms(deadline)) != 1) return false;
  int err = 0;
  socklen_t len = sizeof err;
  return getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
}

}  // namespace

uint16_t free_port() {
  // Ports handed out but maybe not bound yet (an ensemble asks for nine before starting anything).
  static std::mutex mu;
  static auto* issued = new std::set<uint16_t>();  // never destroyed: safe during exit
  static std::mt19937 rng{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  // Below the default ephemeral range (32768-60999), so outgoing connections do not take them.
  std::uniform_int_distribution<int> dist(20000, 32000);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    auto port = static_cast<uint16_t>(dist(rng));
    if (issued->count(port) == 0 && try_bind(port) == port) {
      issued->insert(port);
      return port;
    }
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    uint16_t port = try_bind(0);
    if (port != 0 && issued->insert(port).second) return port;
  }
  throw std::runtime_error("free_port: no free port on 127.0.0.1");
}

TempDir::TempDir(const std::string& prefix, const std::filesystem::path& parent) {
  std::filesystem::path base = parent.empty() ? std::filesystem::temp_directory_path() : parent;
  std::string templ = (base / (prefix + "-XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::runtime_error("TempDir: mkdtemp " + templ + ": " + std::strerror(errno));
  }
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string four_letter_word(uint16_t port, const std::string& word,
                             std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Fd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (s.fd < 0 || !connect_within(s.fd, port, deadline)) return "";
  if (send(s.fd, word.data(), word.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(word.size())) {
    return "";
  }
  std::string answer;
  char buf[4096];
  while (true) {
    pollfd p{s.fd, POLLIN, 0};
    if (poll(&p, 1, remaining_ms(deadline)) != 1) return "";  // timed out before EOF
    ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n == 0) return answer;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return answer;
    if (n > 0) answer.append(buf, static_cast<size_t>(n));
  }
}

std::string read_tail(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(in.tellg());
  size_t start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

namespace detail {

void require_file(const std::filesystem::path& file, const std::string& package) {
  if (!std::filesystem::exists(file)) {
    throw std::runtime_error("missing " + file.string() + ": install the Debian package " +
                             package + " (apt-get install " + package +
                             ", or run tools/install-deps)");
  }
}

std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string with_log_tail(const std::string& what, const std::filesystem::path& log) {
  return what + "\n--- tail of " + log.string() + " ---\n" + read_tail(log);
}

std::chrono::milliseconds ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace detail
}  // namespace scale::test
