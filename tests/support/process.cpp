#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tests/support/internal.h"
#include "tests/support/servers.h"

extern char** environ;

namespace scale::test {
namespace {

// Everything the child needs, prepared before fork: after fork only async-signal-safe calls.
struct ExecPlan {
  std::string path;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string log;
  std::string cwd;
  bool drop_privileges = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

std::vector<std::string> merged_env(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    if (extra.count(key) == 0) env.push_back(entry);
  }
  for (const auto& [key, value] : extra) env.push_back(key + "=" + value);
  return env;
}

ExecPlan make_plan(const ChildSpec& spec) {
  if (spec.argv.empty()) throw std::invalid_argument("ChildProcess: empty argv");
  ExecPlan plan;
  plan.path = detail::find_in_path(spec.argv[0]);
  if (plan.path.empty() || access(plan.path.c_str(), X_OK) != 0) {
    throw std::runtime_error("ChildProcess: executable not found: " + spec.argv[0]);
  }
  plan.argv = spec.argv;
  plan.env = merged_env(spec.extra_env);
  plan.log = spec.log_path.string();
  plan.cwd = spec.working_dir.string();
  if (!spec.run_as_user.empty()) {
    const passwd* pw = getpwnam(spec.run_as_user.c_str());
    if (pw == nullptr) throw std::runtime_error("ChildProcess: no such user: " + spec.run_as_user);
    plan.drop_privileges = true;
    plan.uid = pw->pw_uid;
    plan.gid = pw->pw_gid;
  }
  return plan;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

[[noreturn]] void child_fail(const char* what) {
  const char* err = strerror(errno);  // not strictly async-signal-safe, but only on failure
  (void)!write(2, "ChildProcess: ", 14);
  (void)!write(2, what, strlen(what));
  (void)!write(2, ": ", 2);
  (void)!write(2, err, strlen(err));
  (void)!write(2, "\n", 1);
  _exit(127);
}

void reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);  // fails harmlessly for some
}

[[noreturn]] void run_child(const ExecPlan& plan, char* const* argv, char* const* envp,
                            pid_t parent) {
  setpgid(0, 0);
  int log = open(plan.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) _exit(126);
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dup2(log, 1) < 0 || dup2(log, 2) < 0 || null < 0 || dup2(null, 0) < 0) child_fail("dup2");
  close_range(3, ~0U, 0);  // no inherited sockets: killing the server must close its connections
  reset_signals();
  if (!plan.cwd.empty() && chdir(plan.cwd.c_str()) != 0) child_fail("chdir");
  if (plan.drop_privileges) {
    if (setgroups(0, nullptr) != 0 || setgid(plan.gid) != 0 || setuid(plan.uid) != 0) {
      child_fail("setuid");
    }
  }
  // After setuid, which clears it. Then make sure the parent did not die before we set it.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) child_fail("prctl");
  if (getppid() != parent) _exit(125);
  execve(plan.path.c_str(), argv, envp);
  child_fail(plan.path.c_str());
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::filesystem::path& log_path,
                           const std::map<std::string, std::string>& extra_env)
    : ChildProcess(ChildSpec{argv, log_path, extra_env, {}, {}}) {}

ChildProcess::ChildProcess(const ChildSpec& spec) : log_path_(spec.log_path) {
  ExecPlan plan = make_plan(spec);
  std::vector<char*> argv = c_strings(plan.argv);
  std::vector<char*> envp = c_strings(plan.env);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("ChildProcess: fork: ") + strerror(errno));
  if (pid == 0) run_child(plan, argv.data(), envp.data(), parent);
  setpgid(pid, pid);  // also in the parent, so a group kill right away cannot miss it
  pid_ = pid;
}

ChildProcess::~ChildProcess() {
  kill_and_wait();
}

void ChildProcess::signal(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

bool ChildProcess::running() {
  if (reaped_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (r == pid_) status_ = status;
  if (r == pid_ || (r < 0 && errno == ECHILD)) reaped_ = true;
  return !reaped_;
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

void ChildProcess::kill_and_wait() {
  if (reaped_) return;
  // The pid (and so the group id) cannot be reused before we reap it: the group kill is safe.
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) status_ = status;
  reaped_ = true;
}

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace scale::test
