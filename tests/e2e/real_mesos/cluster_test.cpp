// Three scale-scheduler replicas on a real Mesos 1.12 master and agents: jobs complete exactly
// once across leader failures, a frozen leader that resumes stays silent, and an authenticating
// master is subscribed to with a secret read from a file.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "tests/e2e/real_mesos/master_view.h"
#include "tests/e2e/real_mesos/real_cluster.h"
#include "tests/e2e/scheduler/scheduling_checks.h"
#include "tests/support/real_mesos_gtest.h"

namespace scale::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string text_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

using RealMesosClusterTest = RealClusterTest;

// Submits `count` jobs, one every `interval`, through the replicas in turn (the next one when a
// replica does not answer, e.g. while it is being replaced), on its own thread.
class Trickle {
 public:
  Trickle(LocalCluster& cluster, int first, int count, std::chrono::milliseconds interval)
      : thread_([this, &cluster, first, count, interval] {
          for (int i = first; i < first + count; ++i) {
            const std::string body = R"({"name":"trickle-)" + std::to_string(i) +
                                     R"(","command":"true","resources":{"cpus":0.25,"mem":32}})";
            for (int attempt = 0; attempt < 50; ++attempt) {
              const auto answer =
                  cluster.call((i + attempt) % cluster.size(), "POST", "/v6/jobs/", body);
              if (answer.status == 200 || answer.status == 201) break;
              std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            ++submitted_;
            std::this_thread::sleep_for(interval);  // the pace of the load, not a wait
          }
        }) {}
  ~Trickle() { thread_.join(); }
  int submitted() const { return submitted_; }
  bool wait_submitted(int n, std::chrono::seconds timeout) const {
    return wait_until([&] { return submitted_ >= n; }, timeout);
  }

 private:
  std::atomic<int> submitted_{0};
  std::thread thread_;
};

void report_failover(const std::string& signal, const RealCluster::Failover& f) {
  report_figure(signal + ": new leader / first launch of the new term (ms)",
                std::to_string(f.new_leader_ms) + " / " + std::to_string(f.first_launch_ms));
}

// 20 jobs queued at once (their drain is the jobs/s figure), then 30 more trickling in while the
// leader is SIGKILLed and later SIGTERMed (so the new leaders launch what queued meanwhile,
// with room on the agents: the first-launch figures).
TEST_F(RealMesosClusterTest, FiftyJobsCompleteOnceAcrossALeaderKillAndATerm) {
  cluster_ = std::make_unique<RealCluster>(RealClusterOptions{.mesos = {.agents = 2}});
  auto& replicas = cluster_->replicas();
  ASSERT_GE(replicas.wait_sole_leader(30s), 0);
  const auto start = Clock::now();
  submit_commands(replicas, 20, "true");
  ASSERT_TRUE(cluster_->wait_completed(20, 240s)) << cluster_->completed() << " completed";
  const double drain_s = std::chrono::duration<double>(Clock::now() - start).count();
  report_figure("20 queued jobs drained on two real agents (jobs/s)",
                std::to_string(20 / drain_s) + " (" + std::to_string(drain_s) + " s)");
  {
    Trickle trickle(replicas, 20, 30, 400ms);
    ASSERT_TRUE(trickle.wait_submitted(8, 60s));
    const auto killed = cluster_->fail_leader(SIGKILL);
    ASSERT_GE(killed.new_leader, 0) << "no new leader after SIGKILL";
    report_failover("SIGKILL", killed);
    replicas.start(killed.old_leader);
    ASSERT_TRUE(trickle.wait_submitted(20, 120s));
    const auto termed = cluster_->fail_leader(SIGTERM);
    ASSERT_GE(termed.new_leader, 0) << "no new leader after SIGTERM";
    report_failover("SIGTERM", termed);
    const int status = replicas.process(termed.old_leader).wait(5s);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "SIGTERM exits 0: " << status;
    replicas.start(termed.old_leader);
  }
  ASSERT_TRUE(cluster_->wait_completed(50, 240s)) << cluster_->completed() << " completed";
  cluster_->expect_exactly_once(50, RealCluster::Faults::Leaders);
}

// A leader frozen past its ZooKeeper session (SIGSTOP) is replaced; when it resumes, it must not
// send the master a single byte: not the SUPPRESS or acknowledgement it had queued, not a
// resubscription (which would steal the framework back).
TEST_F(RealMesosClusterTest, AFrozenLeaderThatResumesSendsTheMasterNothing) {
  cluster_ = std::make_unique<RealCluster>(
      RealClusterOptions{.mesos = {.agents = 2}, .proxy_each_replica = true});
  auto& replicas = cluster_->replicas();
  const int zombie = replicas.wait_sole_leader(30s);
  ASSERT_GE(zombie, 0);
  submit_commands(replicas, 30, "sleep 1");
  ASSERT_TRUE(cluster_->wait_completed(5, 120s));
  replicas.process(zombie).signal(SIGSTOP);
  int successor = -1;
  ASSERT_TRUE(wait_until(
      [&] {
        for (int i = 0; i < replicas.size(); ++i)
          if (i != zombie && replicas.get(i, "/leaderhealth").status == 200) successor = i;
        return successor >= 0;
      },
      60s));
  // The successor owns the framework at the master before the zombie wakes up.
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& f : master_frameworks(cluster_->mesos()))
          if (f.name == "Scale" && f.connected && f.active) return true;
        return false;
      },
      60s));
  const uint64_t sent_before = cluster_->proxy(zombie).bytes_to_target();
  cluster_->proxy(zombie).start_capture();
  replicas.process(zombie).signal(SIGCONT);
  // It notices that its term is over and rejoins as a follower.
  ASSERT_TRUE(wait_until([&] { return replicas.get(zombie, "/leaderhealth").status == 503; }, 30s))
      << replicas.log(zombie);
  EXPECT_FALSE(
      wait_until([&] { return cluster_->proxy(zombie).bytes_to_target() != sent_before; }, 3s))
      << "the resumed leader sent the master "
      << cluster_->proxy(zombie).bytes_to_target() - sent_before << " bytes:\n"
      << cluster_->proxy(zombie).captured_to_target();
  ASSERT_TRUE(cluster_->wait_completed(30, 180s)) << cluster_->completed() << " completed";
  cluster_->expect_exactly_once(30, RealCluster::Faults::Leaders);
}

class RealMesosAuthenticationTest : public RealMesosClusterTest {
 protected:
  std::filesystem::path secret_file(const std::string& secret) {
    const auto path = dir_.path() / "mesos-secret";
    std::ofstream(path) << secret << "\n";
    return path;
  }
  RealClusterOptions authenticating(const std::string& secret, int replicas) {
    RealClusterOptions options;
    options.mesos.agents = 1;
    options.mesos.framework_credentials = {{"scale", "s3cret-pass"}};
    options.replicas = replicas;
    options.replica_flags = {"--mesos_principal=scale",
                             "--mesos_secret_file=" + secret_file(secret).string()};
    return options;
  }
  TempDir dir_{"real-mesos-auth"};
};

TEST_F(RealMesosAuthenticationTest, SubscribesWithThePrincipalAndTheSecretFromAFile) {
  cluster_ = std::make_unique<RealCluster>(authenticating("s3cret-pass", 2));
  submit_commands(cluster_->replicas(), 5, "true");
  ASSERT_TRUE(cluster_->wait_completed(5, 120s));
  cluster_->expect_exactly_once(5, RealCluster::Faults::None);
  rapidjson::Document frameworks;
  frameworks.Parse(cluster_->mesos().master_get("/master/frameworks").body.c_str());
  ASSERT_TRUE(frameworks.IsObject() && frameworks["frameworks"].IsArray());
  ASSERT_EQ(frameworks["frameworks"].Size(), 1u);
  EXPECT_STREQ(frameworks["frameworks"][0]["principal"].GetString(), "scale");
  for (int i = 0; i < cluster_->replicas().size(); ++i) {
    EXPECT_EQ(cluster_->replicas().log(i).find("s3cret-pass"), std::string::npos) << "logged";
    const auto cmdline =
        text_of("/proc/" + std::to_string(cluster_->replicas().process(i).pid()) + "/cmdline");
    EXPECT_EQ(cmdline.find("s3cret-pass"), std::string::npos) << "in argv";
  }
}

// A wrong secret is a configuration error: one refused SUBSCRIBE, a warning in the status
// document, no retry loop against the master.
TEST_F(RealMesosAuthenticationTest, AWrongSecretIsReportedOnceAndNotRetried) {
  cluster_ = std::make_unique<RealCluster>(authenticating("wrong-pass", 1));
  auto& replicas = cluster_->replicas();
  ASSERT_TRUE(wait_until(
      [&] {
        return replicas.get(0, "/v6/status/").body.find("mesos_subscription_refused") !=
               std::string::npos;
      },
      60s))
      << replicas.log(0);
  const auto refusals = [&] {
    const std::string log = replicas.log(0);
    size_t count = 0;
    for (size_t at = log.find("HTTP 401"); at != std::string::npos;
         at = log.find("HTTP 401", at + 1))
      ++count;
    return count;
  };
  const size_t first = refusals();
  EXPECT_GE(first, 1u);
  EXPECT_FALSE(wait_until([&] { return refusals() > first; }, 5s)) << "retried:\n"
                                                                   << replicas.log(0);
  EXPECT_EQ(replicas.log(0).find("wrong-pass"), std::string::npos) << "the secret was logged";
  EXPECT_TRUE(master_frameworks(cluster_->mesos()).empty());
}

}  // namespace
}  // namespace scale::test
