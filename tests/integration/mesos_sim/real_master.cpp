// Links the conformance tests to a real Mesos master and agents from MESOS_HOME (see
// master_under_test.h), started once per binary and cleaned between tests.

#include <rapidjson/document.h>

#include <map>

#include "master_under_test.h"
#include "tests/support/real_mesos.h"
#include "tests/support/real_mesos_gtest.h"

namespace mesos_sim::test {
namespace {

using scale::test::RealMesos;

using Credentials = std::vector<std::pair<std::string, std::string>>;

class RealMaster : public MasterUnderTest {
 public:
  explicit RealMaster(const MasterSpec& spec) : mesos_(options(spec)) {}
  bool real() const override { return true; }
  uint16_t port() const override { return mesos_.master_port(0); }
  std::string log() const override { return scale::test::read_tail(mesos_.master_log(0)); }
  std::vector<std::string> agent_ids() const override {
    std::vector<std::string> ids;
    for (int i = 0; i < mesos_.agents(); ++i) ids.push_back(mesos_.agent_id(i));
    return ids;
  }
  bool mark_agent_gone(const std::string& agent_id) override {
    return mesos_
               .master_post("/api/v1", R"({"type":"MARK_AGENT_GONE","mark_agent_gone":{"agent_id":)"
                                       R"({"value":")" +
                                           agent_id + R"("}}})")
               .status == 200;
  }
  void make_unreachable(int agent) override { mesos_.kill_agent(agent); }
  void finish_test() override {
    scale::test::keep_logs_if_failed(mesos_);
    teardown_frameworks();
  }

 private:
  static scale::test::RealMesosOptions options(const MasterSpec& spec) {
    scale::test::RealMesosOptions o;
    o.agents = spec.agents;
    o.framework_credentials = spec.credentials;
    if (spec.fast_health_checks) {
      o.master_flags = {"--agent_ping_timeout=1secs", "--max_agent_ping_timeouts=2"};
    }
    return o;
  }

  // Operator TEARDOWN of every framework, then a wait until the agents are idle again.
  void teardown_frameworks() {
    rapidjson::Document state;
    state.Parse(mesos_.master_get("/master/frameworks").body.c_str());
    if (!state.IsObject() || !state.HasMember("frameworks")) return;
    for (const auto& framework : state["frameworks"].GetArray()) {
      mesos_.master_post("/api/v1", std::string(R"({"type":"TEARDOWN","teardown":)") +
                                        R"({"framework_id":{"value":")" +
                                        framework["id"].GetString() + R"("}}})");
    }
    scale::test::wait_until([&] { return idle(); }, std::chrono::seconds(20));
  }

  bool idle() const {
    rapidjson::Document state;
    state.Parse(mesos_.master_get("/master/slaves").body.c_str());
    if (!state.IsObject() || !state.HasMember("slaves")) return false;
    for (const auto& agent : state["slaves"].GetArray()) {
      if (agent["used_resources"]["cpus"].GetDouble() > 0) return false;
    }
    return true;
  }

  RealMesos mesos_;
};

class RealElectingMasters : public ElectingMasters {
 public:
  RealElectingMasters(int count, const Credentials& credentials)
      : mesos_(options(count, credentials)) {}
  ~RealElectingMasters() override { scale::test::keep_logs_if_failed(mesos_); }
  int count() const override { return mesos_.masters(); }
  uint16_t port(int index) const override { return mesos_.master_port(index); }
  void kill(int index) override { mesos_.kill_master(index); }
  std::string log(int index) const override {
    return scale::test::read_tail(mesos_.master_log(index));
  }

 private:
  static scale::test::RealMesosOptions options(int count, const Credentials& credentials) {
    scale::test::RealMesosOptions o;
    o.masters = count;
    o.agents = 0;
    o.zk = true;
    o.framework_credentials = credentials;
    return o;
  }
  RealMesos mesos_;
};

// A real master whose --zk names a port nothing listens on (RealMesos waits for a leader).
class LeaderlessRealMaster : public ElectingMasters {
 public:
  LeaderlessRealMaster() : port_(scale::test::free_port()) {
    auto home = scale::test::real_mesos_home();
    const std::string dead = std::to_string(scale::test::free_port());
    process_ = std::make_unique<scale::test::ChildProcess>(
        std::vector<std::string>{
            (*home / "sbin/mesos-master").string(), "--ip=127.0.0.1", "--hostname=127.0.0.1",
            "--port=" + std::to_string(port_), "--work_dir=" + (dir_.path() / "work").string(),
            "--registry=in_memory", "--quorum=1", "--zk=zk://127.0.0.1:" + dead + "/mesos"},
        dir_.path() / "master.log");
    // Until its routes are installed the master answers 404 "404 Not Found.".
    scale::test::wait_until(
        [&] {
          try {
            return Connection(port_).call("GET", "/master/redirect", {}, "", 1s).status == 503;
          } catch (const std::exception&) {
            return false;
          }
        },
        std::chrono::seconds(30));
  }
  int count() const override { return 1; }
  uint16_t port(int) const override { return port_; }
  void kill(int) override { process_->kill_and_wait(); }
  std::string log(int) const override { return scale::test::read_tail(dir_.path() / "master.log"); }

 private:
  scale::test::TempDir dir_{"real-mesos-leaderless", "/tmp"};
  uint16_t port_;
  std::unique_ptr<scale::test::ChildProcess> process_;
};

// Shared clusters by spec; stopped after the last test, from the main thread.
std::map<std::string, std::shared_ptr<RealMaster>>& shared_clusters() {
  static auto* clusters = new std::map<std::string, std::shared_ptr<RealMaster>>();
  return *clusters;
}

std::string cluster_key(const MasterSpec& spec) {
  std::string key = std::to_string(spec.agents) + (spec.fast_health_checks ? " fast" : "");
  for (const auto& [principal, secret] : spec.credentials) key += " " + principal + ":" + secret;
  return key;
}

class StopSharedClusters : public ::testing::Environment {
 public:
  void TearDown() override { shared_clusters().clear(); }
};
[[maybe_unused]] auto* const kStop = ::testing::AddGlobalTestEnvironment(new StopSharedClusters);

}  // namespace

std::vector<MasterKind> masters_under_test() {
  return {MasterKind::kReal};
}

std::shared_ptr<MasterUnderTest> start_master(MasterKind kind, const MasterSpec& spec) {
  if (kind != MasterKind::kReal) return start_emulator(spec);
  if (spec.exclusive) return std::make_shared<RealMaster>(spec);
  auto& cluster = shared_clusters()[cluster_key(spec)];
  if (!cluster) cluster = std::make_shared<RealMaster>(spec);
  return cluster;
}

void require_master(MasterKind kind) {
  if (kind == MasterKind::kReal) SCALE_REQUIRE_REAL_MESOS();
}

}  // namespace mesos_sim::test

namespace mesos_sim::test {

std::unique_ptr<ElectingMasters> start_electing_masters(MasterKind kind, int count,
                                                        const Credentials& credentials) {
  if (kind != MasterKind::kReal) return start_emulators_electing(count, credentials);
  return std::make_unique<RealElectingMasters>(count, credentials);
}

std::unique_ptr<ElectingMasters> start_leaderless_master(MasterKind kind) {
  if (kind != MasterKind::kReal) return start_leaderless_emulator();
  return std::make_unique<LeaderlessRealMaster>();
}

}  // namespace mesos_sim::test
