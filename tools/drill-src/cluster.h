#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

// What the drill knows of a cluster started by tools/cluster: read from its run directory
// (cluster.env, replicas, <name>.pid, replica-N.url, replica-N.link; SCALE_MESOS and the real
// masters' and agents' ports), so the addressing scheme (ports, network namespaces) lives in
// tools/cluster only.
namespace scale::drill {

// How the cluster runs Mesos: the emulator (tools/mesos-sim) or a real Apache Mesos
// (`tools/cluster up --mesos real`), whose masters and agents are named here.
enum class MesosKind { Sim, Real };

struct MesosNode {
  int index = 0;     // 1..N
  std::string name;  // master-N, agent-N
  int port = 0;      // on 127.0.0.1
};

struct ReplicaInfo {
  int index = 0;     // 1..N
  std::string name;  // replica-N
  std::string url;   // http://host:port, the replica's own API (not HAProxy)
  std::string link;  // host end of its veth pair with --netns, else empty
};

class Cluster {
 public:
  // Throws std::runtime_error naming what is missing when no cluster is up in run_dir.
  static Cluster load(const std::string& root, const std::string& run_dir);

  const std::vector<ReplicaInfo>& replicas() const { return replicas_; }
  const ReplicaInfo& replica(int index) const { return replicas_.at(index - 1); }
  std::string read_url() const;  // HAProxy, any healthy replica
  std::string sim_url() const;
  std::string pg_conninfo() const;
  int zk_port(int server) const { return base_ + server; }  // 1..3
  int session_timeout_ms() const { return session_timeout_ms_; }
  int status_interval_ms() const { return status_interval_ms_; }
  bool netns() const { return netns_; }
  bool pg_standby() const { return pg_standby_; }  // up --pg-standby: two PostgreSQL nodes
  MesosKind mesos() const { return mesos_; }
  const std::vector<MesosNode>& masters() const { return masters_; }  // real Mesos only
  const std::vector<MesosNode>& agents() const { return agents_; }    // real Mesos only
  // The replicas' --framework_name (SCALE_REPLICA_FLAGS), as the master lists it.
  const std::string& framework_name() const { return framework_name_; }
  const std::string& run_dir() const { return run_dir_; }

  // The pid in <run>/<name>.pid (replica-N, zk-N, postgres), if the file holds one.
  std::optional<pid_t> pid_of(const std::string& name) const;

  // Runs `tools/cluster ARGS...` on this cluster; "" on success, else what went wrong. Its output
  // is appended to <run>/drill.log.
  std::string tool(const std::vector<std::string>& args) const;

 private:
  std::string root_, run_dir_;
  int base_ = 21000, session_timeout_ms_ = 4000, status_interval_ms_ = 1000;
  bool netns_ = false;
  bool pg_standby_ = false;
  MesosKind mesos_ = MesosKind::Sim;
  std::vector<MesosNode> masters_, agents_;
  std::string framework_name_ = "Scale";
  std::vector<ReplicaInfo> replicas_;
};

// The first line of a file; nullopt when it cannot be read or is empty.
std::optional<std::string> read_first_line(const std::string& path);

// Runs argv (PATH lookup) with extra environment entries, appends its output to log_path and
// returns "" on exit status 0, else a one-line reason with the output's last line.
std::string run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                        const std::string& log_path);

// The `Mode:` a ZooKeeper server reports to `srvr` on 127.0.0.1:port (leader, follower,
// standalone); nullopt when it does not answer or is not serving.
std::optional<std::string> zk_mode(int port, std::chrono::milliseconds timeout);

double wall_now();  // seconds since the epoch: comparable with the emulator's journal times
std::optional<double> parse_iso8601(const std::string& text);  // 2026-11-25T01:40:00.123Z

}  // namespace scale::drill
