#include "tests/e2e/scheduler/local_cluster.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/built_binary.h"

namespace scale::test {

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

LocalCluster::LocalCluster(Options options)
    : options_(options), dir_("scale-e2e"), zk_(3), conninfo_(pg_.create_database("scale")) {
  if (options_.pg_standby) {
    standby_ = std::make_unique<PostgresStandby>(pg_);
    conninfo_ = failover_conninfo(pg_, *standby_, "scale");
  }
  if (options_.mesos) {
    sim_port_ = free_port();
    start_mesos();
  }
  replicas_.resize(options_.replicas);
  for (int i = 0; i < options_.replicas; ++i) {
    replicas_[i].port = free_port();
    replicas_[i].log = dir_.path() / (replica_id(i) + ".log");
    start(i);
  }
  for (int i = 0; i < options_.replicas; ++i) {
    if (!wait_until([&] { return get(i, "/ping").status == 200; }, std::chrono::seconds(30))) {
      throw std::runtime_error(replica_id(i) + " did not start serving:\n" + log(i));
    }
  }
}

LocalCluster::~LocalCluster() = default;

HttpResult LocalCluster::call(int index, const std::string& method, const std::string& path,
                              const std::optional<std::string>& body) const {
  try {
    return HttpTestClient(port(index), std::chrono::seconds(2)).call(method, path, body);
  } catch (const std::exception&) {
    return HttpResult{};
  }
}

std::optional<int> LocalCluster::index_of(const std::string& id) const {
  for (int i = 0; i < size(); ++i) {
    if (replica_id(i) == id) return i;
  }
  return std::nullopt;
}

std::string LocalCluster::log(int index) const {
  return read_file(replicas_.at(index).log);
}

void LocalCluster::start_mesos() {
  const auto& sim = *options_.mesos;
  // ChildProcess appends: a restarted emulator's output follows the first one's in the same log.
  std::vector<std::string> argv{
      built_binary("tools/mesos-sim/mesos-sim"),
      "--listen=127.0.0.1:" + std::to_string(sim_port_),
      "--agents=" + std::to_string(sim.agents),
      "--task_ms=" + sim.task_ms,
      "--fail_ratio=" + std::to_string(sim.fail_ratio),
      "--heartbeat_interval_s=" + std::to_string(sim.heartbeat_interval_s)};
  argv.insert(argv.end(), sim.flags.begin(), sim.flags.end());
  sim_ = std::make_unique<ChildProcess>(argv, dir_.path() / "mesos-sim.log");
  if (!wait_until([&] { return sim_call("GET", "/sim/state").status == 200; },
                  std::chrono::seconds(20))) {
    throw std::runtime_error("mesos-sim did not start:\n" + sim_log());
  }
}

void LocalCluster::kill_mesos() {
  if (sim_) sim_->kill_and_wait();
}

std::string LocalCluster::sim_log() const {
  return read_file(dir_.path() / "mesos-sim.log");
}

HttpResult LocalCluster::sim_call(const std::string& method, const std::string& path,
                                  const std::optional<std::string>& body) const {
  if (sim_port_ == 0) return HttpResult{};
  try {
    return HttpTestClient(sim_port_, std::chrono::seconds(5)).call(method, path, body);
  } catch (const std::exception&) {
    return HttpResult{};
  }
}

void LocalCluster::start(int index) {
  auto& replica = replicas_.at(index);
  replica.process.reset();
  std::vector<std::string> argv{
      built_binary("scheduler/scale-scheduler"),
      "--zk=" + zk_.connect_string(),
      "--listen=127.0.0.1:" + std::to_string(replica.port),
      "--replica_id=" + replica_id(index),
      "--zk_session_timeout_ms=" + std::to_string(options_.session_timeout.count()),
      "--status_interval_ms=" + std::to_string(options_.status_interval.count()),
      "--logtostderr"};
  if (sim_port_ != 0)
    argv.push_back("--mesos_master=http://127.0.0.1:" + std::to_string(sim_port_));
  else if (!options_.mesos_masters.empty())
    argv.push_back(
        "--mesos_master=" +
        options_.mesos_masters[static_cast<size_t>(index) % options_.mesos_masters.size()]);
  argv.insert(argv.end(), options_.replica_flags.begin(), options_.replica_flags.end());
  std::map<std::string, std::string> env{{"FLAGS_db", conninfo_}};
  if (standby_ && options_.db_read_standby) env["FLAGS_db_read"] = standby_->conninfo("scale");
  replica.process = std::make_unique<ChildProcess>(argv, replica.log, env);
}

std::optional<int> LocalCluster::sole_leader() const {
  std::optional<int> leader;
  for (int i = 0; i < size(); ++i) {
    if (get(i, "/leaderhealth").status == 200) {
      if (leader) return std::nullopt;
      leader = i;
    }
  }
  return leader;
}

int LocalCluster::wait_sole_leader(std::chrono::milliseconds timeout) const {
  std::optional<int> leader;
  wait_until([&] { return (leader = sole_leader()).has_value(); }, timeout);
  return leader.value_or(-1);
}

}  // namespace scale::test
