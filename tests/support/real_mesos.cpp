#include "tests/support/real_mesos.h"

#include <rapidjson/document.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "tests/support/internal.h"

namespace scale::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr milliseconds kLeaderDeadline{60000};
constexpr milliseconds kAgentsDeadline{60000};
constexpr milliseconds kHttpTimeout{3000};

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (doc.HasParseError() || !doc.IsObject()) doc.SetObject();
  return doc;
}

std::string string_member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return "";
  const auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

HttpResult request(uint16_t port, const std::string& method, const std::string& path,
                   const std::optional<std::string>& body) {
  try {
    return HttpTestClient(port, kHttpTimeout).call(method, path, body);
  } catch (const std::exception&) {
    return HttpResult{};
  }
}

// Every process whose working directory lies under `root` (executors and the tasks they run).
std::vector<pid_t> processes_under(const fs::path& root) {
  std::vector<pid_t> found;
  const std::string prefix = root.string() + "/";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code link_ec;
    const fs::path cwd = fs::read_symlink(entry.path() / "cwd", link_ec);
    if (!link_ec && cwd.string().rfind(prefix, 0) == 0) found.push_back(std::stoi(name));
  }
  return found;
}

std::string credentials_json(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string json = R"({"credentials":[)";
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0) json += ",";
    json += R"({"principal":")" + pairs[i].first + R"(","secret":")" + pairs[i].second + R"("})";
  }
  return json + "]}";
}

}  // namespace

std::optional<fs::path> real_mesos_home(std::string* why_not) {
  const char* home = std::getenv("MESOS_HOME");
  auto refuse = [&](const std::string& why) -> std::optional<fs::path> {
    if (why_not != nullptr) *why_not = why;
    return std::nullopt;
  };
  if (home == nullptr || *home == '\0') return refuse("MESOS_HOME unset");
  const fs::path path(home);
  for (const char* part : {"sbin/mesos-master", "sbin/mesos-agent", "libexec/mesos"}) {
    if (!fs::exists(path / part)) return refuse("MESOS_HOME=" + path.string() + " has no " + part);
  }
  return path;
}

struct RealMesos::Impl {
  struct Node {
    uint16_t port = 0;
    std::string id;  // agents only: the id it registered with, once known
    fs::path dir;
    fs::path log;
    std::unique_ptr<ChildProcess> process;
  };

  RealMesosOptions options;
  fs::path home;
  TempDir dir{"scale-real-mesos", "/tmp"};
  std::unique_ptr<ZooKeeperServer> zk;
  fs::path credentials;
  std::vector<Node> masters;
  std::vector<Node> agents;

  std::string zk_url() const { return zk ? "zk://" + zk->connect_string() + "/mesos" : ""; }
  std::string agent_master() const {
    return zk ? zk_url() : "127.0.0.1:" + std::to_string(masters.at(0).port);
  }
  std::vector<std::string> master_argv(const Node& node) const;
  std::vector<std::string> agent_argv(const Node& node) const;
  void start_master(Node& node);
  void start_agent(Node& node);
  void kill_executors(const Node& node);
  // The cgroups of this fixture's containers, apart from any other agent's on the host.
  std::string cgroups_root() const { return "scale-test-" + std::to_string(::getpid()); }
  // What image agents leave on the host: their mounts (provisioned rootfses, the bind-mounted
  // work dirs) and their container cgroups.
  void release_host_state() const;
  int leading_master() const;
  uint16_t leader_port() const {
    const int leader = leading_master();
    return masters.at(leader < 0 ? 0 : leader).port;
  }
};

std::vector<std::string> RealMesos::Impl::master_argv(const Node& node) const {
  std::vector<std::string> argv{(home / "sbin/mesos-master").string(),
                                "--ip=127.0.0.1",
                                "--hostname=127.0.0.1",
                                "--port=" + std::to_string(node.port),
                                "--work_dir=" + (node.dir / "work").string(),
                                "--registry=in_memory"};
  if (zk) {
    argv.push_back("--zk=" + zk_url());
    argv.push_back("--quorum=1");
    // A killed leader's node goes with its session: keep that short for failover tests.
    argv.push_back("--zk_session_timeout=2secs");
  }
  if (!credentials.empty()) {
    argv.push_back("--authenticate_http_frameworks");
    argv.push_back("--http_framework_authenticators=basic");
    argv.push_back("--credentials=" + credentials.string());
  }
  argv.insert(argv.end(), options.master_flags.begin(), options.master_flags.end());
  return argv;
}

std::vector<std::string> RealMesos::Impl::agent_argv(const Node& node) const {
  std::vector<std::string> argv{
      (home / "sbin/mesos-agent").string(), "--master=" + agent_master(), "--ip=127.0.0.1",
      "--hostname=127.0.0.1", "--port=" + std::to_string(node.port),
      "--work_dir=" + (node.dir / "work").string(), "--runtime_dir=" + (node.dir / "run").string(),
      "--launcher_dir=" + (home / "libexec/mesos").string(), "--no-systemd_enable_support",
      "--resources=" + options.agent_resources,
      // Executors of a crashed test give up on their agent soon.
      "--recovery_timeout=2mins",
      // A restarted agent waits for its executors longer than the 2 s default: on a loaded
      // 2-core machine a live executor can take that long to reconnect, and one that misses the
      // deadline is killed with its task.
      "--executor_reregistration_timeout=15secs"};
  if (options.image_registry.empty()) {
    argv.insert(argv.end(), {"--launcher=posix", "--isolation=posix/cpu,posix/mem"});
  } else {
    // The cgroups isolators are named: with the linux launcher the agent loads the cgroups
    // isolator in any case, and it refuses to start when no cgroups subsystem is listed.
    argv.insert(argv.end(),
                {"--launcher=linux", "--containerizers=mesos", "--image_providers=docker",
                 "--isolation=filesystem/linux,docker/runtime,cgroups/cpu,cgroups/mem",
                 "--docker_registry=" + options.image_registry.string(),
                 "--docker_store_dir=" + (node.dir / "store").string(),
                 "--cgroups_root=" + cgroups_root()});
  }
  argv.insert(argv.end(), options.agent_flags.begin(), options.agent_flags.end());
  return argv;
}

void RealMesos::Impl::start_master(Node& node) {
  if (node.process && node.process->running()) return;
  fs::create_directories(node.dir / "work");
  node.process = std::make_unique<ChildProcess>(master_argv(node), node.log);
}

void RealMesos::Impl::start_agent(Node& node) {
  if (node.process && node.process->running()) return;
  fs::create_directories(node.dir / "work");
  fs::create_directories(node.dir / "run");
  fs::create_directories(node.dir / "store");
  node.process = std::make_unique<ChildProcess>(agent_argv(node), node.log);
}

void RealMesos::Impl::kill_executors(const Node& node) {
  // Executors fork tasks; a few rounds catch children started while the first ones died.
  for (int round = 0; round < 5; ++round) {
    const auto pids = processes_under(node.dir / "work");
    if (pids.empty()) return;
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    wait_until([&] { return processes_under(node.dir / "work").empty(); }, milliseconds(2000));
  }
}

void RealMesos::Impl::release_host_state() const {
  std::vector<std::string> targets;
  std::ifstream mounts("/proc/self/mounts");
  std::string device, target, rest;
  const std::string prefix = dir.path().string() + "/";
  while (mounts >> device >> target && std::getline(mounts, rest)) {
    if (target.rfind(prefix, 0) == 0) targets.push_back(target);
  }
  // Deepest first; a lazy unmount detaches even while a dying process still holds one.
  std::sort(targets.rbegin(), targets.rend());
  for (const auto& path : targets) ::umount2(path.c_str(), MNT_DETACH);
  std::error_code ec;
  for (const auto& hierarchy : fs::directory_iterator("/sys/fs/cgroup", ec)) {
    const fs::path root = hierarchy.path() / cgroups_root();
    if (!fs::exists(root, ec)) continue;
    std::vector<fs::path> groups;
    for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
      if (entry.is_directory(ec)) groups.push_back(entry.path());
    }
    std::sort(groups.rbegin(), groups.rend());
    for (const auto& group : groups) ::rmdir(group.c_str());
    ::rmdir(root.c_str());
  }
}

int RealMesos::Impl::leading_master() const {
  for (size_t i = 0; i < masters.size(); ++i) {
    const HttpResult answer = request(masters[i].port, "GET", "/master/state", std::nullopt);
    if (answer.status != 200) continue;
    // A standby redirects /master/state to the leader: only the answer of the master on this
    // port, naming itself as leader, counts.
    const auto state = parse(answer.body);
    const std::string self = "master@127.0.0.1:" + std::to_string(masters[i].port);
    if (string_member(state, "pid") == self && string_member(state, "leader") == self)
      return static_cast<int>(i);
  }
  return -1;
}

RealMesos::RealMesos(RealMesosOptions options) : impl_(std::make_unique<Impl>()) {
  std::string why_not;
  auto home = real_mesos_home(&why_not);
  if (!home) throw std::runtime_error("RealMesos: " + why_not);
  impl_->home = *home;
  // Tasks may run as another user (CommandInfo.user): the agent hands that user the sandbox, which
  // it must be able to reach through every directory above it, as under /var/lib/mesos.
  fs::permissions(impl_->dir.path(), fs::perms::owner_all | fs::perms::group_read |
                                         fs::perms::group_exec | fs::perms::others_read |
                                         fs::perms::others_exec);
  impl_->options = std::move(options);
  auto& o = impl_->options;
  if (o.masters < 1) throw std::invalid_argument("RealMesos: at least one master");
  if (o.masters > 1 || o.zk) impl_->zk = std::make_unique<ZooKeeperServer>();
  if (!o.framework_credentials.empty()) {
    impl_->credentials = impl_->dir.path() / "credentials.json";
    std::ofstream(impl_->credentials) << credentials_json(o.framework_credentials);
  }
  for (int i = 0; i < o.masters; ++i) {
    Impl::Node node;
    node.port = free_port();
    node.dir = impl_->dir.path() / ("master-" + std::to_string(i + 1));
    node.log = impl_->dir.path() / ("master-" + std::to_string(i + 1) + ".log");
    impl_->masters.push_back(std::move(node));
  }
  for (auto& master : impl_->masters) impl_->start_master(master);
  if (wait_leading_master(kLeaderDeadline) < 0) {
    throw std::runtime_error(
        detail::with_log_tail("RealMesos: no master leads after 60 s", impl_->masters[0].log));
  }
  for (int i = 0; i < o.agents; ++i) {
    Impl::Node node;
    node.port = free_port();
    node.dir = impl_->dir.path() / ("agent-" + std::to_string(i + 1));
    node.log = impl_->dir.path() / ("agent-" + std::to_string(i + 1) + ".log");
    impl_->agents.push_back(std::move(node));
  }
  for (auto& agent : impl_->agents) impl_->start_agent(agent);
  if (!wait_active_agents(o.agents, kAgentsDeadline)) {
    throw std::runtime_error(detail::with_log_tail("RealMesos: agents not registered after 60 s",
                                                   impl_->agents.at(0).log));
  }
}

RealMesos::~RealMesos() {
  for (auto& agent : impl_->agents) {
    if (agent.process) agent.process->kill_and_wait();
    impl_->kill_executors(agent);
  }
  for (auto& master : impl_->masters) {
    if (master.process) master.process->kill_and_wait();
  }
  if (!impl_->options.image_registry.empty()) impl_->release_host_state();
}

std::string RealMesos::master_spec() const {
  if (impl_->zk) return impl_->zk_url();
  return "http://127.0.0.1:" + std::to_string(impl_->masters.at(0).port);
}

std::string RealMesos::zk_url() const {
  return impl_->zk_url();
}

int RealMesos::masters() const {
  return static_cast<int>(impl_->masters.size());
}

uint16_t RealMesos::master_port(int index) const {
  return impl_->masters.at(index).port;
}

bool RealMesos::master_running(int index) {
  auto& process = impl_->masters.at(index).process;
  return process && process->running();
}

int RealMesos::leading_master() const {
  return impl_->leading_master();
}

int RealMesos::wait_leading_master(milliseconds timeout) const {
  int leader = -1;
  wait_until([&] { return (leader = impl_->leading_master()) >= 0; }, timeout);
  return leader;
}

void RealMesos::kill_master(int index) {
  auto& process = impl_->masters.at(index).process;
  if (process) process->kill_and_wait();
}

void RealMesos::start_master(int index) {
  impl_->start_master(impl_->masters.at(index));
}

int RealMesos::agents() const {
  return static_cast<int>(impl_->agents.size());
}

uint16_t RealMesos::agent_port(int index) const {
  return impl_->agents.at(index).port;
}

std::string RealMesos::agent_id(int index) const {
  // An agent keeps its id across restarts with its work dir: asked once, remembered. A busy
  // -O0 agent may take a while to answer.
  auto& node = impl_->agents.at(index);
  wait_until(
      [&] {
        if (node.id.empty()) node.id = string_member(parse(agent_get(index, "/state").body), "id");
        return !node.id.empty();
      },
      milliseconds(15000));
  return node.id;
}

void RealMesos::kill_agent(int index) {
  auto& process = impl_->agents.at(index).process;
  if (process) process->kill_and_wait();
}

void RealMesos::start_agent(int index) {
  impl_->start_agent(impl_->agents.at(index));
}

void RealMesos::kill_agent_executors(int index) {
  impl_->kill_executors(impl_->agents.at(index));
}

int RealMesos::active_agents() const {
  const auto state = parse(master_get("/master/state").body);
  const auto slaves = state.FindMember("slaves");
  if (slaves == state.MemberEnd() || !slaves->value.IsArray()) return 0;
  int active = 0;
  for (const auto& slave : slaves->value.GetArray()) {
    const auto flag = slave.FindMember("active");
    if (flag != slave.MemberEnd() && flag->value.IsBool() && flag->value.GetBool()) ++active;
  }
  return active;
}

bool RealMesos::wait_active_agents(int count, milliseconds timeout) const {
  return wait_until([&] { return active_agents() >= count; }, timeout);
}

HttpResult RealMesos::master_get(const std::string& path) const {
  return request(impl_->leader_port(), "GET", path, std::nullopt);
}

HttpResult RealMesos::master_post(const std::string& path, const std::string& json_body) const {
  return request(impl_->leader_port(), "POST", path, json_body);
}

HttpResult RealMesos::master_get_at(int index, const std::string& path) const {
  return request(impl_->masters.at(index).port, "GET", path, std::nullopt);
}

HttpResult RealMesos::agent_get(int index, const std::string& path) const {
  return request(impl_->agents.at(index).port, "GET", path, std::nullopt);
}

fs::path RealMesos::master_log(int index) const {
  return impl_->masters.at(index).log;
}

fs::path RealMesos::agent_log(int index) const {
  return impl_->agents.at(index).log;
}

fs::path RealMesos::keep_logs(const std::string& name) const {
  const char* build = std::getenv("SCALE_BUILD_DIR");
  const fs::path base = build != nullptr ? fs::path(build) : fs::temp_directory_path();
  const fs::path target = base / "real-mesos-logs" / name;
  std::error_code ec;
  fs::create_directories(target, ec);
  auto keep = [&](const fs::path& log) {
    fs::copy_file(log, target / log.filename(), fs::copy_options::overwrite_existing, ec);
  };
  for (const auto& node : impl_->masters) keep(node.log);
  for (const auto& node : impl_->agents) {
    keep(node.log);
    // Each executor's stderr, named after the executor (a task's own failure shows there).
    const fs::path sandboxes = target / (node.log.stem().string() + "-sandboxes");
    for (auto it = fs::recursive_directory_iterator(node.dir / "work", ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec || it->path().filename() != "stderr") continue;
      const fs::path run = it->path().parent_path();  // .../executors/<id>/runs/<run>
      fs::create_directories(sandboxes, ec);
      fs::copy_file(it->path(),
                    sandboxes / (run.parent_path().parent_path().filename().string() + "." +
                                 run.filename().string() + ".stderr"),
                    fs::copy_options::overwrite_existing, ec);
    }
  }
  if (impl_->zk)
    fs::copy_file(impl_->zk->log_path(), target / "zookeeper.log",
                  fs::copy_options::overwrite_existing, ec);
  return target;
}

const fs::path& RealMesos::dir() const {
  return impl_->dir.path();
}

}  // namespace scale::test
