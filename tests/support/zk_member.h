#pragma once

// One ZooKeeper server process (standalone or an ensemble member); internal to the support library.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/servers.h"

namespace scale::test::detail {

struct ZkPorts {
  uint16_t client = 0;
  uint16_t peer = 0;      // ensemble only
  uint16_t election = 0;  // ensemble only
};

class ZkMember {
 public:
  // Writes conf/zoo.cfg, conf/log4j.properties and data/myid under dir. `ensemble` lists every
  // member's ports (ids 1..n, this one is `id`); empty = standalone on `standalone_port`.
  ZkMember(const std::filesystem::path& dir, int id, const std::vector<ZkPorts>& ensemble,
           uint16_t standalone_port = 0);
  ~ZkMember();

  void start();  // spawns the JVM (no-op when running); does not wait
  void kill();   // SIGKILL and reap
  bool running();
  uint16_t client_port() const { return client_port_; }
  // "leader", "follower", "standalone" or "" (down or not serving).
  std::string mode() const;
  bool answers() const;  // the client port answers `srvr` at all
  std::filesystem::path log_path() const { return dir_ / "zookeeper.log"; }
  // Both the JVM's stdout/stderr and the log4j log, for failure messages.
  std::string describe_failure(const std::string& what) const;

 private:
  void write_config(int id, const std::vector<ZkPorts>& ensemble) const;

  std::filesystem::path dir_;
  uint16_t client_port_;
  std::unique_ptr<ChildProcess> process_;
};

// Checks java and the ZooKeeper/log4j jars; throws naming the package to install.
void require_zookeeper_installed();

}  // namespace scale::test::detail
