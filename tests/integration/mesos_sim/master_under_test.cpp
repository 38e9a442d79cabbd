#include "master_under_test.h"

#include <fstream>

namespace mesos_sim::test {
namespace {

using Credentials = std::vector<std::pair<std::string, std::string>>;

class Emulator : public MasterUnderTest {
 public:
  explicit Emulator(const MasterSpec& spec) : sim_(flags(spec, dir_.path())) {}
  bool real() const override { return false; }
  uint16_t port() const override { return sim_.port(); }
  std::string log() const override { return sim_.log(); }
  Sim* sim() override { return &sim_; }
  bool mark_agent_gone(const std::string& agent_id) override {
    return sim_.sim_post("/sim/remove_agent", R"({"agent_id":")" + agent_id + R"(","mode":"gone"})")
               .status == 200;
  }
  void make_unreachable(int agent) override {
    sim_.sim_post("/sim/remove_agent",
                  R"({"agent_id":")" + agent_ids().at(agent) + R"(","mode":"unreachable"})");
  }
  std::vector<std::string> agent_ids() const override {
    std::vector<std::string> ids;
    auto state = sim_.state();
    for (const auto& agent : state["agents"].GetArray()) ids.push_back(agent["id"].GetString());
    return ids;
  }

 private:
  static std::vector<std::string> flags(const MasterSpec& spec, const std::filesystem::path& dir) {
    std::vector<std::string> all{"--agents=" + std::to_string(spec.agents)};
    if (!spec.credentials.empty()) {
      all.push_back("--credentials=" + write_credentials(dir, spec.credentials).string());
    }
    all.insert(all.end(), spec.sim_flags.begin(), spec.sim_flags.end());
    return all;
  }
  scale::test::TempDir dir_{"mesos-sim-credentials"};  // before sim_: its flags name a file here
  Sim sim_;
};

class ElectingEmulators : public ElectingMasters {
 public:
  ElectingEmulators(int count, const Credentials& credentials, bool leaderless) {
    uint16_t dead = scale::test::free_port();
    if (!leaderless) zk_ = std::make_unique<scale::test::ZooKeeperServer>();
    std::string zk = leaderless ? "127.0.0.1:" + std::to_string(dead) : zk_->connect_string();
    std::vector<std::string> flags{"--zk=zk://" + zk + "/mesos", "--agents=1"};
    if (!credentials.empty()) {
      flags.push_back("--credentials=" + write_credentials(dir_.path(), credentials).string());
    }
    for (int i = 0; i < count; ++i) {
      sims_.push_back(std::make_unique<Sim>(flags));
      // The first to register leads: wait for its node before the next one joins.
      if (!leaderless && i == 0 && leader(std::chrono::seconds(10)) != 0) {
        throw std::runtime_error("the first emulator did not lead: " + sims_[0]->log());
      }
    }
  }
  int count() const override { return static_cast<int>(sims_.size()); }
  uint16_t port(int index) const override { return sims_.at(index)->port(); }
  void kill(int index) override {
    sims_.at(index)->process().signal(SIGKILL);
    sims_.at(index)->process().wait(std::chrono::seconds(5));
  }
  std::string log(int index) const override { return sims_.at(index)->log(); }

 private:
  scale::test::TempDir dir_{"mesos-sim-electing"};
  std::unique_ptr<scale::test::ZooKeeperServer> zk_;
  std::vector<std::unique_ptr<Sim>> sims_;
};

// The port in a Location "//host:port[/path]", or 0.
uint16_t location_port(const std::string& location) {
  auto colon = location.find(':', 2);
  if (location.rfind("//", 0) != 0 || colon == std::string::npos) return 0;
  return static_cast<uint16_t>(std::atoi(location.c_str() + colon + 1));
}

}  // namespace

std::string master_kind_name(const ::testing::TestParamInfo<MasterKind>& info) {
  return info.param == MasterKind::kReal ? "Real" : "Emulator";
}

std::shared_ptr<MasterUnderTest> start_emulator(const MasterSpec& spec) {
  return std::make_shared<Emulator>(spec);
}

std::filesystem::path write_credentials(const std::filesystem::path& dir,
                                        const Credentials& credentials) {
  std::string json = R"({"credentials":[)";
  for (size_t i = 0; i < credentials.size(); ++i) {
    json += (i ? "," : "") + std::string(R"({"principal":")") + credentials[i].first +
            R"(","secret":")" + credentials[i].second + R"("})";
  }
  auto path = dir / "credentials.json";
  std::ofstream(path) << json << "]}";
  return path;
}

int ElectingMasters::leader(std::chrono::milliseconds timeout) const {
  int found = -1;
  scale::test::wait_until(
      [&] {
        for (int i = 0; i < count() && found < 0; ++i) {
          try {
            Connection c(port(i));
            uint16_t at =
                location_port(c.call("GET", "/master/redirect", {}, "", 2s).header("location"));
            for (int k = 0; k < count(); ++k) found = port(k) == at ? k : found;
          } catch (const std::exception&) {
          }
        }
        return found >= 0;
      },
      timeout);
  return found;
}

std::unique_ptr<ElectingMasters> start_emulators_electing(int count,
                                                          const Credentials& credentials) {
  return std::make_unique<ElectingEmulators>(count, credentials, false);
}

std::unique_ptr<ElectingMasters> start_leaderless_emulator() {
  return std::make_unique<ElectingEmulators>(1, Credentials{}, true);
}

}  // namespace mesos_sim::test
