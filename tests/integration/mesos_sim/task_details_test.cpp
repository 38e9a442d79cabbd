// The emulator's task details over HTTP (emulator only: they use /sim/ endpoints and flags): the
// journal's TaskInfo, conversion errors of a ContainerInfo, --bad_images, kill grace, an
// unreachable agent restored by POST /sim/restore_agent, and --gpu_agents.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <set>

#include "scheduler_calls.h"

namespace mesos_sim::test {
namespace {

std::string task_with(const std::string& task, const std::string& agent,
                      const std::string& fields) {
  return R"({"name":")" + task + R"(","task_id":{"value":")" + task +
         R"("},"agent_id":{"value":")" + agent +
         R"("},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":0.1},)"
         R"("allocation_info":{"role":"r"}}],)" +
         fields + "}";
}

TEST(MesosSimTaskDetails, JournalShowsTheTaskInfoAndBadContainersAre400) {
  Sim sim({"--agents=1", "--task_ms=60000", "--offer_interval_ms=20"});
  Subscriber sub(sim.port());
  FirstOffer offer = first_offer(sub, 5s);
  ASSERT_FALSE(offer.id.empty()) << sim.log();
  const std::string fw = sub.framework_id();
  auto bad = sub.call(accept_call(
      fw, offer.id, {task_with("t", offer.agent, R"("command":{},"container":{"docker":{}})")}));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body,
            "Failed to convert JSON into Call protobuf: Missing required fields: "
            "accept.operations[0].launch.task_infos[0].container.type, "
            "accept.operations[0].launch.task_infos[0].container.docker.image");
  // The offer is still outstanding: the ACCEPT was never processed.
  auto ok = sub.call(accept_call(
      fw, offer.id,
      {task_with("t", offer.agent,
                 R"("command":{"shell":false,"value":"/bin/app","arguments":["app","-x"],)"
                 R"("user":"svc"},"labels":{"labels":[{"key":"k","value":"v"}]},)"
                 R"("kill_policy":{"grace_period":{"nanoseconds":5000000000}})")}));
  ASSERT_EQ(ok.status, 202) << ok.body;
  ASSERT_EQ(states_until(sub, "t", "TASK_RUNNING", 5s).back(), "TASK_RUNNING");
  auto journal = sim.journal();
  ASSERT_EQ(journal["launches"].Size(), 1u);
  const auto& info = journal["launches"][0]["task_info"];
  EXPECT_STREQ(info["command"]["arguments"][0].GetString(), "app");
  EXPECT_FALSE(info["command"]["shell"].GetBool());
  EXPECT_STREQ(info["command"]["user"].GetString(), "svc");
  EXPECT_STREQ(info["labels"]["labels"][0]["value"].GetString(), "v");
  EXPECT_EQ(info["kill_policy"]["grace_period"]["nanoseconds"].GetInt64(), 5000000000);
}

TEST(MesosSimTaskDetails, BadImageFailsTheLaunchOnTheAgent) {
  Sim sim({"--agents=1", "--offer_interval_ms=20", "--bad_images=broken:1,other:2"});
  Subscriber sub(sim.port());
  FirstOffer offer = first_offer(sub, 5s);
  ASSERT_FALSE(offer.id.empty()) << sim.log();
  sub.call(accept_call(sub.framework_id(), offer.id,
                       {task_with("t", offer.agent,
                                  R"("command":{"shell":false},"container":{"type":"DOCKER",)"
                                  R"("docker":{"image":"broken:1"}})")}));
  auto failed = next_update(sub, "t", 5s);
  ASSERT_TRUE(failed) << sim.log();
  EXPECT_STREQ((*failed)["state"].GetString(), "TASK_FAILED");
  EXPECT_STREQ((*failed)["source"].GetString(), "SOURCE_AGENT");
  EXPECT_STREQ((*failed)["reason"].GetString(), "REASON_CONTAINER_LAUNCH_FAILED");
  EXPECT_TRUE(failed->HasMember("uuid"));
}

TEST(MesosSimTaskDetails, TaskIgnoringSigtermIsKilledAfterTheGrace) {
  Sim sim({"--agents=1", "--task_ms=60000", "--offer_interval_ms=20"});
  Subscriber sub(sim.port());
  FirstOffer offer = first_offer(sub, 5s);
  ASSERT_FALSE(offer.id.empty()) << sim.log();
  sub.call(accept_call(sub.framework_id(), offer.id,
                       {task_with("t", offer.agent,
                                  R"("command":{"value":"trap '' TERM; sleep 600"},)"
                                  R"("kill_policy":{"grace_period":{"nanoseconds":800000000}})")}));
  ASSERT_EQ(states_until(sub, "t", "TASK_RUNNING", 5s).back(), "TASK_RUNNING");
  auto start = std::chrono::steady_clock::now();
  sub.call(kill_call(sub.framework_id(), "t"));
  EXPECT_FALSE(next_update(sub, "t", 500ms));  // still in its grace period
  auto killed = next_update(sub, "t", 5s);
  ASSERT_TRUE(killed);
  EXPECT_STREQ((*killed)["state"].GetString(), "TASK_KILLED");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 800ms);
}

TEST(MesosSimTaskDetails, RestoredAgentReregistersItsTasks) {
  Sim sim({"--agents=1", "--task_ms=60000", "--offer_interval_ms=20"});
  Subscriber sub(sim.port());
  FirstOffer offer = first_offer(sub, 5s);
  ASSERT_FALSE(offer.id.empty()) << sim.log();
  sub.call(accept_call(sub.framework_id(), offer.id, {task_info("t", offer.agent)}));
  ASSERT_EQ(states_until(sub, "t", "TASK_RUNNING", 5s).back(), "TASK_RUNNING");
  const std::string agent = R"({"agent_id":")" + offer.agent + R"("})";
  EXPECT_EQ(sim.sim_post("/sim/restore_agent", agent).status, 404);  // not unreachable
  ASSERT_EQ(sim.sim_post("/sim/remove_agent",
                         R"({"agent_id":")" + offer.agent + R"(","mode":"unreachable"})")
                .status,
            200);
  auto unreachable = next_update(sub, "t", 5s);
  ASSERT_TRUE(unreachable);
  EXPECT_STREQ((*unreachable)["state"].GetString(), "TASK_UNREACHABLE");
  ASSERT_EQ(sim.sim_post("/sim/restore_agent", agent).status, 200);
  auto back = next_update(sub, "t", 5s);
  ASSERT_TRUE(back);
  EXPECT_STREQ((*back)["state"].GetString(), "TASK_RUNNING");
  EXPECT_STREQ((*back)["reason"].GetString(), "REASON_AGENT_REREGISTERED");
  EXPECT_STREQ((*back)["message"].GetString(), "Unreachable agent re-reregistered");
  EXPECT_TRUE(sub.next("OFFERS", 5s));  // its free resources are offered again
  EXPECT_STREQ(sim.state()["agents"][0]["state"].GetString(), "REGISTERED");
}

TEST(MesosSimTaskDetails, GpuAgentsOnlyForFrameworksWithTheCapability) {
  Sim sim({"--agents=2", "--offer_interval_ms=20", "--agent_resources=cpus:4;mem:4096;gpus:2",
           "--gpu_agents=1"});
  Subscriber sub(sim.port());
  std::set<std::string> agents;
  auto deadline = std::chrono::steady_clock::now() + 500ms;
  while (std::chrono::steady_clock::now() < deadline) {
    auto offers = sub.next("OFFERS", 100ms);
    if (!offers) continue;
    for (const auto& o : (*offers)["offers"]["offers"].GetArray()) {
      agents.insert(o["agent_id"]["value"].GetString());
      for (const auto& r : o["resources"].GetArray()) EXPECT_STRNE(r["name"].GetString(), "gpus");
    }
  }
  auto state = sim.state();
  EXPECT_EQ(agents, std::set<std::string>{state["agents"][1]["id"].GetString()});
  Sim bad({"--gpu_agents=1"}, false);  // the default resources have no gpus to give
  int status = bad.process().wait(5s);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2);
}

}  // namespace
}  // namespace mesos_sim::test
