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

// A port on 127.0.0.1 that nothing listens on right now. Picked at random below the ephemeral
// range and never handed out twice by one process.
uint16_t free_port();

// Everything needed to start a ChildProcess (the long form of its constructor).
struct ChildSpec {
  std::vector<std::string> argv = {};   // argv[0] is a path or a name looked up in PATH
  std::filesystem::path log_path = {};  // stdout + stderr, appended
  std::map<std::string, std::string> extra_env = {};  // added to (or replacing in) our environment
  std::string run_as_user = {};            // empty: same user; else setuid to it (needs root)
  std::filesystem::path working_dir = {};  // empty: inherit
};

// A child process; SIGKILLed in the destructor if still running. Output goes to log_path.
// It runs in its own process group (killed as a group) and gets SIGKILL when the *thread* that
// created it exits (PR_SET_PDEATHSIG): create children from a thread that outlives them (the test's
// main thread). A missing executable throws std::runtime_error.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_path,
               const std::map<std::string, std::string>& extra_env = {});
  explicit ChildProcess(const ChildSpec& spec);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig);
  bool running();
  // Waits for exit; returns the exit status (as from waitpid) or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  void kill_and_wait();  // SIGKILL (the whole process group) then reap
  const std::filesystem::path& log_path() const { return log_path_; }

 private:
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

// A fresh temporary directory, removed (recursively) in the destructor.
class TempDir {
 public:
  // Created under `parent`, or under std::filesystem::temp_directory_path() when empty.
  explicit TempDir(const std::string& prefix = "scale-test",
                   const std::filesystem::path& parent = {});
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
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
  void stop();                             // SIGKILL
  void start();                            // again, same port and data (no-op when running)
  std::filesystem::path log_path() const;  // the server's log4j log
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
  void kill(int index);  // SIGKILL one member
  // Restarts a killed member; returns once its client port answers `srvr` (it may still be
  // looking for a quorum: call wait_quorum to wait for it to serve).
  void start(int index);
  // Waits until a quorum serves again: exactly one running member reports leader and every other
  // running member reports follower.
  bool wait_quorum(std::chrono::milliseconds timeout) const;
  std::string member_connect_string(int index) const;
  uint16_t member_port(int index) const;
  bool is_running(int index) const;  // not killed by kill()
  std::filesystem::path member_log_path(int index) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A real PostgreSQL 15 server (initdb in a temp dir, trust auth, fsync off), owned by user
// postgres.
class PostgresServer {
 public:
  PostgresServer();  // initdb + start, waits until it accepts connections
  ~PostgresServer();
  uint16_t port() const;
  // libpq conninfo for database `db` (created on first request by create_database).
  std::string conninfo(const std::string& db = "postgres") const;
  // Creates a fresh empty database and returns its conninfo. Lets each test have its own schema.
  std::string create_database(const std::string& name);
  void stop();                             // fast shutdown
  void crash();                            // immediate shutdown, as a crash: no checkpoint
  void start();                            // again, same data and port
  void restart();                          // stop + start
  std::filesystem::path log_path() const;  // the postmaster's stderr
 private:
  friend class PostgresStandby;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A streaming hot standby of a PostgresServer (pg_basebackup), synchronous unless asked not to
// be: the primary's commits then wait for it, so a promotion loses no acknowledged commit.
class PostgresStandby {
 public:
  explicit PostgresStandby(PostgresServer& primary, bool synchronous = true);
  ~PostgresStandby();
  uint16_t port() const;
  std::string conninfo(const std::string& db = "postgres") const;
  // Ends recovery (pg_promote) and waits until it accepts writes.
  void promote();
  std::filesystem::path log_path() const;

 private:
  std::unique_ptr<PostgresServer::Impl> impl_;
};

// One libpq conninfo naming both servers, that connects to whichever accepts writes
// (target_session_attrs=read-write): how replicas find the new primary after a promotion.
std::string failover_conninfo(const PostgresServer& primary, const PostgresStandby& standby,
                              const std::string& db);

// Polls cond every 10 ms until true or the deadline; true when cond became true.
bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

// Sends a ZooKeeper four-letter word (e.g. "srvr", "ruok", "mntr") to 127.0.0.1:port and returns
// the whole answer, or "" when nothing answered within the timeout.
std::string four_letter_word(uint16_t port, const std::string& word,
                             std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

// The last max_bytes of a file ("" if unreadable), for failure messages.
std::string read_tail(const std::filesystem::path& path, size_t max_bytes = 4096);

}  // namespace scale::test
