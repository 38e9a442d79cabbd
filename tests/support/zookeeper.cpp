#include <set>
#include <stdexcept>

#include "tests/support/internal.h"
#include "tests/support/servers.h"
#include "tests/support/zk_member.h"

namespace scale::test {
namespace {

using detail::ZkMember;
using detail::ZkPorts;
using std::chrono::milliseconds;

constexpr milliseconds kStandaloneDeadline{15000};
constexpr milliseconds kEnsembleDeadline{30000};
constexpr milliseconds kMemberAnswerDeadline{15000};
constexpr int kStartAttempts = 3;  // a new port set after a bind failure (port taken meanwhile)

enum class StartResult { kReady, kDied, kTimedOut };

// Waits until ready() or the process dies or the deadline passes.
StartResult wait_ready(const std::function<bool()>& ready, const std::function<bool()>& died,
                       milliseconds deadline) {
  StartResult result = StartResult::kTimedOut;
  wait_until(
      [&] {
        if (ready())
          result = StartResult::kReady;
        else if (died())
          result = StartResult::kDied;
        return result != StartResult::kTimedOut;
      },
      deadline);
  return result;
}

bool is_leader_mode(const std::string& mode) {
  return mode == "leader" || mode == "standalone";
}

}  // namespace

// ---------------------------------------------------------------- standalone

struct ZooKeeperServer::Impl {
  TempDir dir{"scale-zk"};
  uint16_t port = 0;
  std::unique_ptr<ZkMember> member;

  StartResult start_and_wait() {
    member->start();
    return wait_ready([&] { return !member->mode().empty(); }, [&] { return !member->running(); },
                      kStandaloneDeadline);
  }
};

ZooKeeperServer::ZooKeeperServer() : impl_(std::make_unique<Impl>()) {
  detail::require_zookeeper_installed();
  for (int attempt = 1;; ++attempt) {
    impl_->port = free_port();
    impl_->member =
        std::make_unique<ZkMember>(impl_->dir.path(), 1, std::vector<ZkPorts>{}, impl_->port);
    StartResult result = impl_->start_and_wait();
    if (result == StartResult::kReady) return;
    impl_->member->kill();
    if (result == StartResult::kDied && attempt < kStartAttempts) continue;
    throw std::runtime_error(impl_->member->describe_failure(
        result == StartResult::kDied ? "ZooKeeper exited during startup"
                                     : "ZooKeeper not serving within 15 s"));
  }
}

ZooKeeperServer::~ZooKeeperServer() = default;

std::string ZooKeeperServer::connect_string() const {
  return "127.0.0.1:" + std::to_string(impl_->port);
}

uint16_t ZooKeeperServer::port() const {
  return impl_->port;
}

void ZooKeeperServer::stop() {
  impl_->member->kill();
}

void ZooKeeperServer::start() {
  if (impl_->member->running()) return;
  StartResult result = impl_->start_and_wait();
  if (result == StartResult::kReady) return;
  impl_->member->kill();
  throw std::runtime_error(impl_->member->describe_failure("ZooKeeper restart failed"));
}

std::filesystem::path ZooKeeperServer::log_path() const {
  return impl_->member->log_path();
}

// ---------------------------------------------------------------- ensemble

struct ZooKeeperEnsemble::Impl {
  TempDir dir{"scale-zk-ensemble"};
  std::vector<std::unique_ptr<ZkMember>> members;
  std::vector<bool> alive;

  void create(int size) {
    members.clear();
    std::vector<ZkPorts> ports(static_cast<size_t>(size));
    for (auto& p : ports) p = {free_port(), free_port(), free_port()};
    for (int i = 0; i < size; ++i) {
      std::filesystem::path member_dir = dir.path() / ("member" + std::to_string(i + 1));
      std::filesystem::remove_all(member_dir);
      members.push_back(std::make_unique<ZkMember>(member_dir, i + 1, ports));
    }
    alive.assign(static_cast<size_t>(size), true);
  }

  bool quorum_now() const {
    int leaders = 0;
    for (size_t i = 0; i < members.size(); ++i) {
      if (!alive[i]) continue;
      std::string mode = members[i]->mode();
      if (is_leader_mode(mode))
        ++leaders;
      else if (mode != "follower")
        return false;
    }
    return leaders == 1;
  }

  bool any_died() {
    for (size_t i = 0; i < members.size(); ++i) {
      if (alive[i] && !members[i]->running()) return true;
    }
    return false;
  }

  std::string describe_failure(const std::string& what) const {
    std::string text = what;
    for (size_t i = 0; i < members.size(); ++i) {
      text += "\n=== member " + std::to_string(i) + " (mode '" + members[i]->mode() + "')";
      text += "\n" + read_tail(members[i]->log_path(), 2048);
    }
    return text;
  }
};

ZooKeeperEnsemble::ZooKeeperEnsemble(int size) : impl_(std::make_unique<Impl>()) {
  if (size < 1) throw std::invalid_argument("ZooKeeperEnsemble: size must be >= 1");
  detail::require_zookeeper_installed();
  for (int attempt = 1;; ++attempt) {
    impl_->create(size);
    for (auto& member : impl_->members) member->start();
    StartResult result = wait_ready([&] { return impl_->quorum_now(); },
                                    [&] { return impl_->any_died(); }, kEnsembleDeadline);
    if (result == StartResult::kReady) return;
    std::string failure = impl_->describe_failure(
        result == StartResult::kDied ? "ZooKeeper ensemble member exited during startup"
                                     : "ZooKeeper ensemble has no quorum within 30 s");
    for (auto& member : impl_->members) member->kill();
    if (result == StartResult::kDied && attempt < kStartAttempts) continue;
    throw std::runtime_error(failure);
  }
}

ZooKeeperEnsemble::~ZooKeeperEnsemble() = default;

std::string ZooKeeperEnsemble::connect_string() const {
  std::string out;
  for (int i = 0; i < size(); ++i) out += (i == 0 ? "" : ",") + member_connect_string(i);
  return out;
}

int ZooKeeperEnsemble::size() const {
  return static_cast<int>(impl_->members.size());
}

int ZooKeeperEnsemble::leader_index() const {
  for (int i = 0; i < size(); ++i) {
    if (impl_->alive[static_cast<size_t>(i)] &&
        is_leader_mode(impl_->members[static_cast<size_t>(i)]->mode())) {
      return i;
    }
  }
  return -1;
}

void ZooKeeperEnsemble::kill(int index) {
  impl_->members.at(static_cast<size_t>(index))->kill();
  impl_->alive[static_cast<size_t>(index)] = false;
}

void ZooKeeperEnsemble::start(int index) {
  ZkMember& member = *impl_->members.at(static_cast<size_t>(index));
  member.start();
  impl_->alive[static_cast<size_t>(index)] = true;
  StartResult result = wait_ready([&] { return member.answers(); },
                                  [&] { return !member.running(); }, kMemberAnswerDeadline);
  if (result == StartResult::kReady) return;
  member.kill();
  impl_->alive[static_cast<size_t>(index)] = false;
  throw std::runtime_error(member.describe_failure("ZooKeeper ensemble member " +
                                                   std::to_string(index) + " failed to restart"));
}

bool ZooKeeperEnsemble::wait_quorum(std::chrono::milliseconds timeout) const {
  return wait_until([&] { return impl_->quorum_now(); }, timeout);
}

std::string ZooKeeperEnsemble::member_connect_string(int index) const {
  return "127.0.0.1:" + std::to_string(member_port(index));
}

uint16_t ZooKeeperEnsemble::member_port(int index) const {
  return impl_->members.at(static_cast<size_t>(index))->client_port();
}

bool ZooKeeperEnsemble::is_running(int index) const {
  return impl_->alive.at(static_cast<size_t>(index));
}

std::filesystem::path ZooKeeperEnsemble::member_log_path(int index) const {
  return impl_->members.at(static_cast<size_t>(index))->log_path();
}

}  // namespace scale::test
