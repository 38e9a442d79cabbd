#pragma once

// The "master under test" of the conformance tests: mesos-sim, or a real Mesos master with
// agents (MESOS_HOME). Each test file is built twice from the same source: the emulator binary
// instantiates its parameterized suites with MasterKind::kEmulator, the *_real_test binary
// (label real_mesos) with MasterKind::kReal. Which one a binary gets is decided at link time
// (emulator_master.cpp or real_master.cpp), so the emulator binaries never need a real Mesos.
// Tests that need the emulator's /sim/ endpoints are plain TESTs, run by the emulator binary only.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sim_fixture.h"

namespace mesos_sim::test {

enum class MasterKind { kEmulator, kReal };

inline void PrintTo(MasterKind kind, std::ostream* os) {
  *os << (kind == MasterKind::kReal ? "real master" : "emulator");
}

// The kinds this binary tests (one), and test-name suffixes for them.
std::vector<MasterKind> masters_under_test();
std::string master_kind_name(const ::testing::TestParamInfo<MasterKind>& info);

// What a test asks of its master. The real master's behaviour is fixed (1 s allocation, 15 s
// heartbeats, 10 s redelivery, real tasks), so sim_flags only shape the emulator; a test that
// depends on them checks `real()` first.
struct MasterSpec {
  int agents = 1;
  std::vector<std::string> sim_flags = {};
  bool exclusive = false;
  // A real master marks an agent unreachable after 2 missed pings of 1 s (not 5 of 15 s).
  bool fast_health_checks = false;
  // HTTP framework authentication: the master's --credentials.
  std::vector<std::pair<std::string, std::string>> credentials = {};
};

class MasterUnderTest {
 public:
  virtual ~MasterUnderTest() = default;
  virtual bool real() const = 0;
  virtual uint16_t port() const = 0;
  virtual std::string log() const = 0;  // for failure messages
  // The emulator, for /sim/ endpoints and /sim/state; nullptr for a real master.
  virtual Sim* sim() { return nullptr; }
  // Agent ids (the real ones from the master's state).
  virtual std::vector<std::string> agent_ids() const = 0;
  // An operator marks the agent gone (real: MARK_AGENT_GONE on POST /api/v1; emulator:
  // /sim/remove_agent "gone"). False when the master refused.
  virtual bool mark_agent_gone(const std::string& agent_id) = 0;
  // The agent stops answering health checks (real: SIGKILL of the agent, which needs a spec with
  // fast_health_checks; emulator: /sim/remove_agent "unreachable").
  virtual void make_unreachable(int agent) = 0;
  // After each test: a real master keeps its logs if the test failed and tears down every
  // framework, so the next test starts with all resources free.
  virtual void finish_test() {}
  // How long to wait for an event that should come: a -O0 real master with real executors is
  // slower than the emulator.
  std::chrono::milliseconds patience() const { return real() ? 20s : 5s; }
  // How long to wait before concluding that an answer the master sends at once is not coming.
  std::chrono::milliseconds silence() const { return real() ? 1s : 300ms; }
};

// A fresh emulator for each call. A real master is shared by the tests of the binary that ask for
// the same spec (its start costs seconds), unless `exclusive`: a test that removes agents gets
// a cluster of its own.
std::shared_ptr<MasterUnderTest> start_master(MasterKind kind, const MasterSpec& spec);
std::shared_ptr<MasterUnderTest> start_emulator(const MasterSpec& spec);
// Skips the current test (one line) when the kind cannot run here (no MESOS_HOME).
void require_master(MasterKind kind);

// Masters electing a leader through one ZooKeeper (spec A.13), each on its own port, all
// with `credentials` when given.
class ElectingMasters {
 public:
  virtual ~ElectingMasters() = default;
  virtual int count() const = 0;
  virtual uint16_t port(int index) const = 0;
  // The index of the master that leads (as a standby's /master/redirect names it), or -1.
  int leader(std::chrono::milliseconds timeout) const;
  virtual void kill(int index) = 0;  // SIGKILL: its ZooKeeper node goes with its session
  virtual std::string log(int index) const = 0;
};
std::unique_ptr<ElectingMasters> start_electing_masters(
    MasterKind kind, int count,
    const std::vector<std::pair<std::string, std::string>>& credentials);
std::unique_ptr<ElectingMasters> start_emulators_electing(
    int count, const std::vector<std::pair<std::string, std::string>>& credentials);
// One master whose ZooKeeper does not answer: it never learns a leader.
std::unique_ptr<ElectingMasters> start_leaderless_master(MasterKind kind);
std::unique_ptr<ElectingMasters> start_leaderless_emulator();
// A credentials file in the master's JSON format, in `dir`.
std::filesystem::path write_credentials(
    const std::filesystem::path& dir,
    const std::vector<std::pair<std::string, std::string>>& credentials);

// A parameterized test over the master under test, with its master.
class MasterTest : public ::testing::TestWithParam<MasterKind> {
 protected:
  void SetUp() override { require_master(GetParam()); }
  void TearDown() override {
    if (master_) master_->finish_test();
  }
  MasterUnderTest& master(const MasterSpec& spec = {}) {
    if (!master_) master_ = start_master(GetParam(), spec);
    return *master_;
  }
  bool real() const { return GetParam() == MasterKind::kReal; }

 private:
  std::shared_ptr<MasterUnderTest> master_;
};

}  // namespace mesos_sim::test

// Instantiates a MasterTest-derived suite for this binary's master.
#define MESOS_SIM_INSTANTIATE(suite)                                                              \
  INSTANTIATE_TEST_SUITE_P(, suite, ::testing::ValuesIn(::mesos_sim::test::masters_under_test()), \
                           ::mesos_sim::test::master_kind_name)
