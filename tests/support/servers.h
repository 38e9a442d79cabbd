#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

// Starts the real ZooKeeper and PostgreSQL servers from the Debian binaries, in temp dirs on free
// loopback ports, for integration and e2e tests. Every server is a child of the test process that
// dies with it (PR_SET_PDEATHSIG), and destructors stop them, so nothing outlives a failed or
// aborted test. A missing binary throws std::runtime_error with a clear message (a failure,
// never a skip).
namespace scale::test {

// A port on 127.0.0.1 that nothing listens on right now.
uint16_t free_port();

// A child process; SIGKILLed in the destructor if still running. Output goes to log_path.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_path,
               const std::map<std::string, std::string>& extra_env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig);
  bool running();
  // Waits for exit; returns the exit status (as from waitpid) or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  void kill_and_wait();  // SIGKILL then reap

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

// A fresh temporary directory, removed (recursively) in the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "scale-test");
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// One standalone ZooKeeper server (tickTime 200 ms: session timeouts 400..4000 ms).
class ZooKeeperServer {
 public:
  ZooKeeperServer();  // starts it and waits until `srvr` reports a Mode
  ~ZooKeeperServer();
  std::string connect_string() const;  // "127.0.0.1:PORT"
  uint16_t port() const;
  void stop();   // SIGKILL
  void start();  // again, same port and data
 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A real 3-node ensemble on loopback (tickTime 200 ms).
class ZooKeeperEnsemble {
 public:
  explicit ZooKeeperEnsemble(int size = 3);  // starts all and waits until a quorum serves
  ~ZooKeeperEnsemble();
  std::string connect_string() const;  // "127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3"
  int size() const;
  // Index of the member whose `srvr` says Mode: leader, or -1.
  int leader_index() const;
  void kill(int index);   // SIGKILL one member
  void start(int index);  // restart a killed member
  // Waits until a quorum serves again (some member reports leader, and followers follow).
  bool wait_quorum(std::chrono::milliseconds timeout) const;
  std::string member_connect_string(int index) const;
 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A real PostgreSQL 15 server (initdb in a temp dir, trust auth, fsync off), owned by user postgres.
class PostgresServer {
 public:
  PostgresServer();  // initdb + start, waits until it accepts connections
  ~PostgresServer();
  uint16_t port() const;
  // libpq conninfo for database `db` (created on first request by create_database).
  std::string conninfo(const std::string& db = "postgres") const;
  // Creates a fresh empty database and returns its conninfo. Lets each test have its own schema.
  std::string create_database(const std::string& name);
  void stop();     // fast shutdown
  void start();    // again, same data and port
  void restart();  // stop + start
 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Polls cond every 10 ms until true or the deadline; true when cond became true.
bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

}  // namespace scale::test
