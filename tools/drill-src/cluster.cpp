#include "cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace scale::drill {

std::optional<std::string> read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

namespace {

// cluster.env is written with printf %q: undo the backslash escapes (all its values are plain).
std::string unquote(const std::string& value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) ++i;
    out += value[i];
  }
  if (out.size() >= 2 && out.front() == '\'' && out.back() == '\'')
    out = out.substr(1, out.size() - 2);
  return out;
}

int to_int(const std::map<std::string, std::string>& env, const std::string& key, int fallback) {
  auto it = env.find(key);
  if (it == env.end()) return fallback;
  try {
    return std::stoi(it->second);
  } catch (...) {
    throw std::runtime_error("cluster.env: " + key + " is not a number: " + it->second);
  }
}

std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of("\n ");
  if (end == std::string::npos) return "";
  size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end + 1 - (start == std::string::npos ? 0 : start + 1));
}

// What execvpe needs, built before fork: the drill is multithreaded, so the child may only make
// async-signal-safe calls until it execs. Not movable: envp and args point into the strings.
class ExecArgs {
 public:
  ExecArgs(const std::vector<std::string>& argv, const std::vector<std::string>& env)
      : argv_(argv) {
    for (char** e = environ; *e; ++e) env_.emplace_back(*e);
    env_.insert(env_.end(), env.begin(), env.end());
    for (auto& s : env_) envp_.push_back(s.data());
    envp_.push_back(nullptr);
    for (auto& s : argv_) args_.push_back(s.data());
    args_.push_back(nullptr);
  }
  ExecArgs(const ExecArgs&) = delete;
  ExecArgs& operator=(const ExecArgs&) = delete;

  char* const* args() const { return args_.data(); }
  char* const* envp() const { return envp_.data(); }

 private:
  std::vector<std::string> argv_, env_;
  std::vector<char*> args_, envp_;
};

// In the forked child: stdout and stderr into out_fd, stdin from /dev/null, then exec.
[[noreturn]] void exec_child(const ExecArgs& exec_args, int out_fd) {
  // The drill blocks SIGINT/SIGTERM for its signal thread; the child must not inherit that.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  dup2(out_fd, 1);
  dup2(out_fd, 2);
  const int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, 0);
  execvpe(exec_args.args()[0], exec_args.args(), exec_args.envp());
  _exit(127);
}

// Everything readable from fd until end of file or an error.
std::string read_all(int fd) {
  std::string output;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      output.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  return output;
}

// "21051,21052" -> master-1 on 21051, master-2 on 21052.
std::vector<MesosNode> nodes(const std::map<std::string, std::string>& env, const std::string& key,
                             const std::string& prefix) {
  std::vector<MesosNode> out;
  auto it = env.find(key);
  if (it == env.end() || it->second.empty()) {
    throw std::runtime_error("cluster.env: SCALE_MESOS=real without " + key);
  }
  std::stringstream list(it->second);
  for (std::string port; std::getline(list, port, ',');) {
    MesosNode node;
    node.index = static_cast<int>(out.size()) + 1;
    node.name = prefix + std::to_string(node.index);
    try {
      node.port = std::stoi(port);
    } catch (...) {
      throw std::runtime_error("cluster.env: " + key + " is not a list of ports: " + it->second);
    }
    out.push_back(node);
  }
  return out;
}

// --framework_name=NAME among the replicas' extra flags, else the replicas' default.
std::string framework_name_in(const std::map<std::string, std::string>& env) {
  auto it = env.find("SCALE_REPLICA_FLAGS");
  std::string name = "Scale";
  if (it == env.end()) return name;
  std::stringstream flags(it->second);
  for (std::string flag; flags >> flag;) {
    for (const char* prefix : {"--framework_name=", "-framework_name="}) {
      if (flag.rfind(prefix, 0) == 0) name = flag.substr(std::strlen(prefix));
    }
  }
  return name;
}

}  // namespace

Cluster Cluster::load(const std::string& root, const std::string& run_dir) {
  Cluster c;
  c.root_ = root;
  c.run_dir_ = run_dir;
  auto replicas = read_first_line(run_dir + "/replicas");
  if (!replicas) {
    throw std::runtime_error("no cluster is up in " + run_dir +
                             " (start one with tools/cluster up, or set SCALE_RUN_DIR)");
  }
  std::map<std::string, std::string> env;
  std::ifstream in(run_dir + "/cluster.env");
  if (!in) throw std::runtime_error("no " + run_dir + "/cluster.env");
  for (std::string line; std::getline(in, line);) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = unquote(line.substr(eq + 1));
  }
  c.base_ = to_int(env, "SCALE_BASE_PORT", 21000);
  c.session_timeout_ms_ = to_int(env, "SCALE_SESSION_TIMEOUT_MS", 4000);
  c.status_interval_ms_ = to_int(env, "SCALE_STATUS_INTERVAL_MS", 1000);
  c.netns_ = to_int(env, "SCALE_NETNS", 0) == 1;
  c.pg_standby_ = to_int(env, "SCALE_PG_STANDBY", 0) == 1;
  c.framework_name_ = framework_name_in(env);
  const std::string mesos = env.count("SCALE_MESOS") ? env.at("SCALE_MESOS") : "sim";
  if (mesos == "real") {
    c.mesos_ = MesosKind::Real;
    c.masters_ = nodes(env, "SCALE_MESOS_MASTER_PORTS", "master-");
    c.agents_ = nodes(env, "SCALE_MESOS_AGENT_PORTS", "agent-");
  } else if (mesos != "sim") {
    throw std::runtime_error("cluster.env: SCALE_MESOS is neither sim nor real: " + mesos);
  }
  int n = 0;
  try {
    n = std::stoi(*replicas);
  } catch (...) {
  }
  if (n < 1) throw std::runtime_error(run_dir + "/replicas does not hold a replica count");
  for (int i = 1; i <= n; ++i) {
    ReplicaInfo r;
    r.index = i;
    r.name = "replica-" + std::to_string(i);
    r.url = read_first_line(run_dir + "/" + r.name + ".url")
                .value_or("http://127.0.0.1:" + std::to_string(c.base_ + 40 + i));
    r.link = read_first_line(run_dir + "/" + r.name + ".link").value_or("");
    if (c.netns_ && r.link.empty()) {
      throw std::runtime_error("cluster started with --netns but " + run_dir + "/" + r.name +
                               ".link is missing");
    }
    c.replicas_.push_back(r);
  }
  return c;
}

std::string Cluster::read_url() const {
  return "http://127.0.0.1:" + std::to_string(base_ + 80);
}
std::string Cluster::sim_url() const {
  return "http://127.0.0.1:" + std::to_string(base_ + 50);
}
std::string Cluster::pg_conninfo() const {
  // With a standby, whichever of the two accepts writes (after a pg-promote, the other one).
  if (pg_standby_) {
    return "host=127.0.0.1,127.0.0.1 port=" + std::to_string(base_ + 30) + "," +
           std::to_string(base_ + 31) +
           " dbname=scale user=postgres connect_timeout=5 target_session_attrs=read-write";
  }
  return "host=127.0.0.1 port=" + std::to_string(base_ + 30) +
         " dbname=scale user=postgres connect_timeout=5";
}

std::optional<pid_t> Cluster::pid_of(const std::string& name) const {
  auto line = read_first_line(run_dir_ + "/" + name + ".pid");
  if (!line) return std::nullopt;
  try {
    const long pid = std::stol(*line);
    if (pid > 1) return static_cast<pid_t>(pid);
  } catch (...) {
  }
  return std::nullopt;
}

std::string Cluster::tool(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{root_ + "/tools/cluster"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, {"SCALE_RUN_DIR=" + run_dir_}, run_dir_ + "/drill.log");
}

std::string run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                        const std::string& log_path) {
  ExecArgs exec_args(argv, env);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return std::string("fork: ") + std::strerror(errno);
  }
  if (pid == 0) exec_child(exec_args, fds[1]);
  close(fds[1]);
  const std::string output = read_all(fds[0]);
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::ofstream log(log_path, std::ios::app);
  std::string command;
  for (const auto& a : argv) command += (command.empty() ? "" : " ") + a;
  log << "$ " << command << "\n" << output;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  std::string why = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                      : "signal " + std::to_string(WTERMSIG(status));
  return command + ": " + why + ": " + last_line(output);
}

std::optional<std::string> zk_mode(int port, std::chrono::milliseconds timeout) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto wait = [&](short events) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    return poll(&p, 1, static_cast<int>(left.count())) == 1;
  };
  std::string reply;
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 || errno == EINPROGRESS) {
    int err = 0;
    socklen_t len = sizeof err;
    if (wait(POLLOUT) && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0 &&
        send(fd, "srvr", 4, MSG_NOSIGNAL) == 4) {
      char buf[1024];
      while (wait(POLLIN)) {
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
          ok = n == 0;
          break;
        }
        reply.append(buf, static_cast<size_t>(n));
      }
    }
  }
  close(fd);
  if (!ok) return std::nullopt;
  const size_t at = reply.find("Mode: ");
  if (at == std::string::npos) return std::nullopt;
  const size_t end = reply.find('\n', at);
  return reply.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6);
}

double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<double> parse_iso8601(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  char z = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &z) != 8 ||
      z != 'Z') {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm)) + ms / 1000.0;
}

}  // namespace scale::drill
