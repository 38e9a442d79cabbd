// The simulated agent's side of a task's end and of partitions (spec B.3-B.5): kill grace periods
// and their overrides, an unreachable agent coming back, and agents with GPUs hidden from
// frameworks without GPU_RESOURCES.

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "master_fixture.h"

namespace mesos_sim {
namespace {

constexpr const char* kKillingFields =
    R"("roles":["r"],"capabilities":[{"type":"MULTI_ROLE"},{"type":"PARTITION_AWARE"},)"
    R"({"type":"TASK_KILLING_STATE"}])";

class AgentFaultsTest : public MasterTest {
 protected:
  AgentFaultsTest() {
    config_.task_ms_min = config_.task_ms_max = 100000;  // tasks run until killed
    restart();
  }

  // Launches one task with these extra TaskInfo fields on the next offer; its agent id.
  std::string run(const std::string& task, const std::string& fields) {
    auto [offer_id, agent] = offer();
    if (offer_id.empty()) return "";
    call("ACCEPT", R"(,"accept":{"offer_ids":[{"value":")" + offer_id +
                       R"("}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"x",)"
                       R"("task_id":{"value":")" +
                       task + R"("},"agent_id":{"value":")" + agent +
                       R"("},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}],)" +
                       fields + R"(}]}}],"filters":{"refuse_seconds":0}})");
    advance(10);
    ack_all();
    return agent;
  }

  // Acknowledges every update sent so far and those that releases; the states seen, in order.
  std::vector<std::string> ack_all() {
    std::vector<std::string> seen;
    for (auto list = updates(); !list.empty(); list = updates()) {
      for (auto& s : list) {
        seen.push_back(s["state"].GetString());
        if (!s.HasMember("uuid")) continue;
        call("ACKNOWLEDGE", R"(,"acknowledge":{"agent_id":{"value":")" +
                                std::string(s["agent_id"]["value"].GetString()) +
                                R"("},"task_id":{"value":")" + s["task_id"]["value"].GetString() +
                                R"("},"uuid":")" + s["uuid"].GetString() + R"("})");
      }
    }
    return seen;
  }

  void kill(const std::string& task, const std::string& policy = "") {
    call("KILL", R"(,"kill":{"task_id":{"value":")" + task + R"("})" + policy + "}");
  }

  static std::string grace(int64_t ms) {
    return R"(,"kill_policy":{"grace_period":{"nanoseconds":)" + std::to_string(ms * 1000000) +
           "}}";
  }

  TaskState state(const std::string& task) {
    const Task* t = master_->find_task(fw_, task);
    return t ? t->state : TaskState::UNKNOWN;
  }
};

constexpr const char* kIgnoring =
    R"("command":{"value":"sleep 100"},"labels":{"labels":[{"key":"mesos-sim/ignore-sigterm"}]})";

TEST_F(AgentFaultsTest, SigtermEndsAPlainTaskAtOnce) {
  subscribe(std::nullopt, kKillingFields);
  ASSERT_FALSE(run("t", R"("command":{"value":"sleep 100"})").empty());
  kill("t");
  EXPECT_EQ(ack_all(), (std::vector<std::string>{"TASK_KILLING", "TASK_KILLED"}));
}

TEST_F(AgentFaultsTest, IgnoringSigtermLastsTheTaskInfoGrace) {
  subscribe(std::nullopt, kKillingFields);
  ASSERT_FALSE(run("t", std::string(kIgnoring) + grace(2000)).empty());
  kill("t");
  EXPECT_EQ(ack_all(), std::vector<std::string>{"TASK_KILLING"});
  advance(1900);
  EXPECT_EQ(state("t"), TaskState::KILLING);
  advance(200);
  auto last = updates();
  ASSERT_EQ(last.size(), 1u);
  EXPECT_STREQ(last[0]["state"].GetString(), "TASK_KILLED");
  EXPECT_STREQ(last[0]["message"].GetString(), "Command terminated with signal Killed");
}

TEST_F(AgentFaultsTest, TrapInTheCommandAndDefaultGraceWithoutKillingState) {
  subscribe();  // no TASK_KILLING_STATE: RUNNING, then KILLED
  ASSERT_FALSE(run("t", R"("command":{"value":"trap '' TERM; sleep 100"})").empty());
  kill("t");
  advance(2900);
  EXPECT_TRUE(ack_all().empty());
  EXPECT_EQ(state("t"), TaskState::RUNNING);
  advance(200);
  EXPECT_EQ(ack_all(), std::vector<std::string>{"TASK_KILLED"});
}

TEST_F(AgentFaultsTest, KillOverrideWinsAndARepeatedKillOnlyShortens) {
  subscribe(std::nullopt, kKillingFields);
  ASSERT_FALSE(run("a", std::string(kIgnoring) + grace(10000)).empty());
  kill("a", grace(1000));  // the override wins over the TaskInfo's 10 s
  advance(1100);
  EXPECT_EQ(state("a"), TaskState::KILLED);

  ASSERT_FALSE(run("b", std::string(kIgnoring) + grace(10000)).empty());
  kill("b");
  advance(1000);
  kill("b", grace(20000));  // longer: no effect
  kill("b", grace(3000));   // counted from the first kill: SIGKILL 2 s from now
  advance(1900);
  EXPECT_EQ(state("b"), TaskState::KILLING);
  advance(200);
  EXPECT_EQ(state("b"), TaskState::KILLED);

  ASSERT_FALSE(run("c", std::string(kIgnoring) + grace(10000)).empty());
  kill("c");
  kill("c", grace(0));  // forces SIGKILL now
  advance(10);
  EXPECT_EQ(state("c"), TaskState::KILLED);
}

TEST_F(AgentFaultsTest, UnreachableAgentComesBackWithItsTasks) {
  subscribe();
  std::string agent = run("t", R"("command":{"value":"sleep 100"})");
  ASSERT_FALSE(agent.empty());
  ASSERT_TRUE(master_->remove_agent(agent, AgentState::UNREACHABLE));
  EXPECT_EQ(ack_all(), std::vector<std::string>{"TASK_UNREACHABLE"});
  // A KILL meanwhile is answered by reconciliation and forgotten.
  call("KILL", R"(,"kill":{"task_id":{"value":"t"},"agent_id":{"value":")" + agent + R"("}})");
  EXPECT_EQ(ack_all(), std::vector<std::string>{"TASK_UNREACHABLE"});
  sink_.take(stream_, "OFFERS");
  EXPECT_FALSE(master_->restore_agent("nope", now_));
  ASSERT_TRUE(master_->restore_agent(agent, now_));
  EXPECT_FALSE(master_->restore_agent(agent, now_));  // registered again
  auto back = updates();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_STREQ(back[0]["state"].GetString(), "TASK_RUNNING");
  EXPECT_STREQ(back[0]["reason"].GetString(), "REASON_AGENT_REREGISTERED");
  EXPECT_STREQ(back[0]["message"].GetString(), "Unreachable agent re-reregistered");
  EXPECT_STREQ(back[0]["source"].GetString(), "SOURCE_MASTER");
  EXPECT_FALSE(back[0].HasMember("uuid"));
  EXPECT_EQ(state("t"), TaskState::RUNNING);
  advance(20);
  std::set<std::string> offered;
  for (auto& doc : sink_.take(stream_, "OFFERS")) {
    for (auto& o : doc["offers"]["offers"].GetArray())
      offered.insert(o["agent_id"]["value"].GetString());
  }
  EXPECT_TRUE(offered.count(agent));
}

TEST_F(AgentFaultsTest, UnreachableTaskIdCannotBeReused) {
  subscribe();
  std::string agent = run("t", R"("command":{"value":"sleep 100"})");
  ASSERT_TRUE(master_->remove_agent(agent, AgentState::UNREACHABLE));
  ack_all();
  master_->rescind_offers(fw_);  // the other agent's offer comes again
  sink_.take(stream_, "OFFERS");
  auto [offer_id, other] = offer();
  ASSERT_NE(other, agent);
  call("ACCEPT", launch(offer_id, other, "t"));
  auto errors = updates();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_STREQ(errors[0]["message"].GetString(), "Task reuses the ID of an unreachable task: t");
}

class GpuTest : public AgentFaultsTest {
 protected:
  GpuTest() {
    config_.agent_resources.gpus = 2;
    config_.gpu_agents = 1;  // agent 0 only
  }

  std::set<std::string> offered() {
    advance(20);
    std::set<std::string> out;
    for (auto& doc : sink_.take(stream_, "OFFERS")) {
      for (auto& o : doc["offers"]["offers"].GetArray())
        out.insert(o["agent_id"]["value"].GetString());
    }
    return out;
  }
};

TEST_F(GpuTest, GpuAgentsAreHiddenWithoutTheCapability) {
  restart();
  subscribe();
  EXPECT_EQ(offered(), std::set<std::string>{master_->agents()[1].id});
  call("TEARDOWN");
  subscribe(std::nullopt, R"("roles":["r"],"capabilities":[{"type":"MULTI_ROLE"},)"
                          R"({"type":"GPU_RESOURCES"}])");
  EXPECT_EQ(offered(), (std::set<std::string>{master_->agents()[0].id, master_->agents()[1].id}));
  EXPECT_EQ(master_->agents()[1].total.gpus, 0);
}

TEST_F(GpuTest, FilterCanBeSwitchedOff) {
  config_.filter_gpu_resources = false;
  restart();
  subscribe();
  EXPECT_EQ(offered(), (std::set<std::string>{master_->agents()[0].id, master_->agents()[1].id}));
}

}  // namespace
}  // namespace mesos_sim
