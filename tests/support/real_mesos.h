#pragma once

// A real Apache Mesos master (or several, electing through ZooKeeper) and agents for the
// real-Mesos suite, started from the installation MESOS_HOME names, on free loopback ports, each
// with its own work and runtime directory under one temporary directory. Every process is a
// child of the test (killed with it); the destructor stops agents, the executors they left
// behind (the posix launcher runs each executor in its own session), then masters. Logs are
// copied next to the test's binary when the test asks (keep_logs), e.g. after a failure.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/http_test_client.h"
#include "tests/support/servers.h"

namespace scale::test {

// The Mesos installation to use (MESOS_HOME holding sbin/mesos-master, sbin/mesos-agent and
// libexec/mesos), or nullopt with *why_not saying what is missing.
std::optional<std::filesystem::path> real_mesos_home(std::string* why_not = nullptr);

struct RealMesosOptions {
  int masters = 1;
  int agents = 1;
  // Several masters (or zk = true) elect a leader through a ZooKeeper server of this fixture,
  // under zk://127.0.0.1:PORT/mesos; agents and schedulers then find the leader there.
  bool zk = false;
  std::string agent_resources = "cpus:4;mem:4096;disk:10000";
  // HTTP framework authentication (basic): the master accepts these principal/secret pairs.
  std::vector<std::pair<std::string, std::string>> framework_credentials = {};
  // Non-empty: agents run the Mesos containerizer with the docker image provider, reading image
  // archives (<name>.tar, see local_image.h) from this directory instead of a registry. That
  // needs root, the linux launcher and cgroups v1; the fixture unmounts what the agents mounted.
  std::filesystem::path image_registry = {};
  std::vector<std::string> master_flags = {};  // added to every master's command line
  std::vector<std::string> agent_flags = {};   // added to every agent's command line
};

class RealMesos {
 public:
  // Starts the masters and waits for a leader, then the agents, and waits until every agent is
  // registered. Throws std::runtime_error (with the tail of the log at fault) when that fails.
  explicit RealMesos(RealMesosOptions options = {});
  ~RealMesos();
  RealMesos(const RealMesos&) = delete;
  RealMesos& operator=(const RealMesos&) = delete;

  // What a scheduler's --mesos_master takes: http://127.0.0.1:PORT (one master without zk) or
  // zk://127.0.0.1:PORT/mesos.
  std::string master_spec() const;
  std::string zk_url() const;  // "" without zk
  int masters() const;
  uint16_t master_port(int index) const;
  bool master_running(int index);
  // Index of the master that says it leads (its /master/state "leader" is itself), or -1.
  int leading_master() const;
  int wait_leading_master(std::chrono::milliseconds timeout) const;
  void kill_master(int index);   // SIGKILL
  void start_master(int index);  // again, same port and work dir

  int agents() const;
  uint16_t agent_port(int index) const;
  // The agent's id as its /state reports it ("" when it does not answer within 15 s).
  std::string agent_id(int index) const;
  // SIGKILL of the agent process only: its executors and tasks run on (an agent crash).
  void kill_agent(int index);
  // The agent again with the same work dir: it recovers the checkpointed executors.
  void start_agent(int index);
  // The executors and tasks an agent left behind, killed (a machine that is gone).
  void kill_agent_executors(int index);
  // Agents registered and active at the leading master.
  int active_agents() const;
  bool wait_active_agents(int count, std::chrono::milliseconds timeout) const;

  // GET/POST on the leading master (the first master when none leads); status 0 when nothing
  // answered. Never throws.
  HttpResult master_get(const std::string& path) const;
  HttpResult master_post(const std::string& path, const std::string& json_body) const;
  HttpResult master_get_at(int index, const std::string& path) const;
  HttpResult agent_get(int index, const std::string& path) const;

  std::filesystem::path master_log(int index) const;
  std::filesystem::path agent_log(int index) const;
  // Copies every master, agent and ZooKeeper log to $SCALE_BUILD_DIR/real-mesos-logs/<name>/
  // (or the system temp dir without SCALE_BUILD_DIR); returns that directory.
  std::filesystem::path keep_logs(const std::string& name) const;
  const std::filesystem::path& dir() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scale::test
