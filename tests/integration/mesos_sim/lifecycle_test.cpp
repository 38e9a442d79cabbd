// Master behaviour over real HTTP, against the emulator and (the *_real_test binary) a real
// master with real command tasks: offers, LAUNCH, reliable updates and acknowledgements,
// reconciliation, framework failover/removal. The emulator's journal, state and /sim/ faults are
// checked by the plain TESTs at the end (emulator only).

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "scheduler_calls.h"

namespace mesos_sim::test {
namespace {

using Lifecycle = MasterTest;
MESOS_SIM_INSTANTIATE(Lifecycle);

TEST_P(Lifecycle, LaunchUpdatesAcks) {
  MasterUnderTest& m = master({.sim_flags = {"--task_ms=200", "--offer_interval_ms=20"}});
  Subscriber sub(m.port());
  ASSERT_EQ(sub.head().status, 200);
  FirstOffer offer = first_offer(sub, m.patience());
  ASSERT_FALSE(offer.id.empty()) << m.log();
  const std::string& fw = sub.framework_id();
  EXPECT_EQ(sub.call(accept_call(fw, offer.id,
                                 {task_info("t1", offer.agent), task_info("t2", offer.agent)}))
                .status,
            202);
  // Updates of the two tasks interleave; each task's own come in order.
  std::map<std::string, std::vector<std::string>> seen;
  auto finished = [&](const std::string& task) {
    return !seen[task].empty() && seen[task].back() == "TASK_FINISHED";
  };
  while (!finished("t1") || !finished("t2")) {
    auto event = sub.next("UPDATE", m.patience());
    ASSERT_TRUE(event) << seen["t1"].size() << "+" << seen["t2"].size() << " updates\n" << m.log();
    const auto& status = (*event)["update"]["status"];
    ASSERT_TRUE(status.HasMember("uuid"));
    EXPECT_EQ(std::string(status["uuid"].GetString()).size(), 24u);  // base64 of 16 bytes
    EXPECT_STREQ(status["source"].GetString(), "SOURCE_EXECUTOR");
    const std::string task = status["task_id"]["value"].GetString();
    EXPECT_EQ(status["executor_id"]["value"].GetString(), task);  // the command executor's id
    seen[task].push_back(status["state"].GetString());
    EXPECT_EQ(sub.call(ack_call(fw, status)).status, 202);
  }
  // The command executor starts the task first; the agent holds RUNNING until that is acked.
  const std::vector<std::string> expected{"TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"};
  EXPECT_EQ(seen["t1"], expected);
  EXPECT_EQ(seen["t2"], expected);
  // Acked terminal updates drop the tasks from the master: implicit reconciliation is silent.
  sub.call(reconcile_call(fw, ""));
  EXPECT_FALSE(sub.next("UPDATE", m.silence()));
  if (Sim* sim = m.sim()) {
    auto journal = sim->journal();
    ASSERT_EQ(journal["launches"].Size(), 2u);
    EXPECT_STREQ(journal["launches"][0]["task_id"].GetString(), "t1");
    EXPECT_EQ(journal["launches"][0]["stream_id"].GetString(), sub.stream_id());
    EXPECT_EQ(journal["launches"][1]["agent_id"].GetString(), offer.agent);
    auto state = sim->state();
    EXPECT_EQ(state["launches"].GetUint64(), 2u);
    EXPECT_EQ(state["duplicate_launches"].GetUint64(), 0u);
    EXPECT_EQ(state["frameworks"][0]["live_streams"].GetUint64(), 1u);
    EXPECT_TRUE(state["frameworks"][0]["connected"].GetBool());
    EXPECT_TRUE(state["tasks_by_state"].ObjectEmpty());
    // The same launches on disk, one JSON line each.
    std::ifstream file(sim->journal_path());
    std::vector<std::string> lines;
    for (std::string line; std::getline(file, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_STREQ(parse(lines[1])["task_id"].GetString(), "t2");
  }
}

TEST_P(Lifecycle, SemanticSubscribeRefusalIsAnErrorEvent) {
  MasterUnderTest& m = master();
  Connection c(m.port());
  c.send("POST", "/api/v1/scheduler", json_headers(),
         R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n",)"
         R"("roles":["a","a"],"capabilities":[{"type":"MULTI_ROLE"}]}}})");
  EXPECT_EQ(c.read_head().status, 200);
  auto record = c.next_record(5s);
  ASSERT_TRUE(record);
  EXPECT_EQ(*record,
            R"({"type":"ERROR","error":{"message":"'FrameworkInfo.roles' contains duplicate )"
            R"(items: { a }"}})");
  EXPECT_FALSE(c.next_record(5s));
  EXPECT_TRUE(c.stream_ended() || c.at_eof());
}

TEST_P(Lifecycle, InvalidOffersAndTaskErrors) {
  MasterUnderTest& m = master({.sim_flags = {"--task_ms=60000", "--offer_interval_ms=20"}});
  Subscriber sub(m.port());
  FirstOffer offer = first_offer(sub, m.patience());
  ASSERT_FALSE(offer.id.empty()) << m.log();
  const std::string& fw = sub.framework_id();
  // An unknown offer id: TASK_DROPPED (PARTITION_AWARE) from the master, without uuid.
  sub.call(accept_call(fw, "no-such-offer", {task_info("bad", offer.agent)}));
  auto dropped = next_update(sub, "bad", m.patience());
  ASSERT_TRUE(dropped);
  EXPECT_STREQ((*dropped)["state"].GetString(), "TASK_DROPPED");
  EXPECT_STREQ((*dropped)["reason"].GetString(), "REASON_INVALID_OFFERS");
  EXPECT_STREQ((*dropped)["source"].GetString(), "SOURCE_MASTER");
  EXPECT_STREQ((*dropped)["message"].GetString(),
               "Task launched with invalid offers: Offer no-such-offer is no longer valid");
  EXPECT_FALSE(dropped->HasMember("uuid"));
  // Invalid tasks beside a valid one: TASK_ERROR each, in the master's order (an operation id
  // on LAUNCH first), the valid one runs.
  std::string with_id = R"(,{"type":"LAUNCH","id":{"value":"op"},"launch":{"task_infos":[)" +
                        task_info("op", offer.agent) + "]}}";
  sub.call(accept_call(fw, offer.id,
                       {task_info("a/b", offer.agent), task_info("elsewhere", "S9"),
                        task_info("long", offer.agent, "sleep 60"), task_info("long", offer.agent)},
                       with_id));
  std::vector<std::pair<std::string, std::string>> errors;
  while (errors.size() < 4) {
    auto event = sub.next("UPDATE", m.patience());
    ASSERT_TRUE(event) << m.log();
    const auto& status = (*event)["update"]["status"];
    if (std::string(status["state"].GetString()) != "TASK_ERROR") {  // long's own
      sub.call(ack_call(fw, status));
      continue;
    }
    EXPECT_FALSE(status.HasMember("uuid"));
    errors.emplace_back(status["task_id"]["value"].GetString(), status["message"].GetString());
  }
  EXPECT_EQ(
      errors,
      (std::vector<std::pair<std::string, std::string>>{
          {"op", "The `id` field cannot be set on LAUNCH operations"},
          {"a/b", "'a/b' contains invalid characters"},
          {"elsewhere", "Task uses invalid agent S9 while agent " + offer.agent + " is expected"},
          {"long", "Task has duplicate ID: long"}}));
  // The valid task runs.
  EXPECT_EQ(states_until(sub, "long", "TASK_RUNNING", m.patience()).back(), "TASK_RUNNING");
}

TEST_P(Lifecycle, ReconciliationAndKill) {
  MasterUnderTest& m = master({.sim_flags = {"--task_ms=60000", "--offer_interval_ms=20"}});
  Subscriber sub(m.port());
  FirstOffer offer = first_offer(sub, m.patience());
  ASSERT_FALSE(offer.id.empty()) << m.log();
  const std::string& fw = sub.framework_id();
  sub.call(accept_call(fw, offer.id, {task_info("long", offer.agent, "sleep 60")}));
  ASSERT_EQ(states_until(sub, "long", "TASK_RUNNING", m.patience()).back(), "TASK_RUNNING");
  sub.call(reconcile_call(fw, R"({"task_id":{"value":"long"}},{"task_id":{"value":"ghost"},)"
                              R"("agent_id":{"value":")" +
                                  offer.agent + R"("}})"));
  auto known = next_update(sub, "long", m.patience());
  auto ghost = next_update(sub, "ghost", m.patience());
  ASSERT_TRUE(known && ghost);
  EXPECT_STREQ((*known)["state"].GetString(), "TASK_RUNNING");
  EXPECT_STREQ((*known)["reason"].GetString(), "REASON_RECONCILIATION");
  EXPECT_STREQ((*known)["message"].GetString(), "Reconciliation: Latest task state");
  EXPECT_FALSE(known->HasMember("uuid"));
  EXPECT_STREQ((*ghost)["state"].GetString(), "TASK_GONE");
  EXPECT_STREQ((*ghost)["message"].GetString(), "Reconciliation: Task is unknown to the agent");
  sub.call(reconcile_call(fw, ""));  // implicit
  EXPECT_TRUE(next_update(sub, "long", m.patience()));
  // KILL of an unknown task answers like explicit reconciliation (no agent: TASK_UNKNOWN).
  sub.call(kill_call(fw, "nope"));
  auto unknown = next_update(sub, "nope", m.patience());
  ASSERT_TRUE(unknown);
  EXPECT_STREQ((*unknown)["state"].GetString(), "TASK_UNKNOWN");
  EXPECT_STREQ((*unknown)["message"].GetString(), "Reconciliation: Task is unknown");
  EXPECT_FALSE(unknown->HasMember("agent_id"));
  // Without TASK_KILLING_STATE: RUNNING, then KILLED.
  sub.call(kill_call(fw, "long"));
  auto killed = next_update(sub, "long", m.patience());
  ASSERT_TRUE(killed);
  EXPECT_STREQ((*killed)["state"].GetString(), "TASK_KILLED");
  EXPECT_STREQ((*killed)["message"].GetString(), "Command terminated with signal Terminated");
}

TEST_P(Lifecycle, KillingStateOnlyWithTheCapability) {
  MasterUnderTest& m = master({.sim_flags = {"--task_ms=60000", "--offer_interval_ms=20"}});
  std::string info = framework_info(std::nullopt);
  info.replace(info.find(R"({"type":"MULTI_ROLE"})"), 0, R"({"type":"TASK_KILLING_STATE"},)");
  Subscriber sub(m.port(), std::nullopt, {},
                 R"({"type":"SUBSCRIBE","subscribe":{"framework_info":)" + info + "}}");
  FirstOffer offer = first_offer(sub, m.patience());
  ASSERT_FALSE(offer.id.empty()) << m.log();
  sub.call(accept_call(sub.framework_id(), offer.id, {task_info("k", offer.agent, "sleep 60")}));
  ASSERT_EQ(states_until(sub, "k", "TASK_RUNNING", m.patience()).back(), "TASK_RUNNING");
  sub.call(kill_call(sub.framework_id(), "k"));
  EXPECT_EQ(states_until(sub, "k", "TASK_KILLED", m.patience()),
            (std::vector<std::string>{"TASK_KILLING", "TASK_KILLED"}));
}

TEST_P(Lifecycle, FailedCommandSaysItsExitStatus) {
  MasterUnderTest& m =
      master({.sim_flags = {"--task_ms=100", "--fail_ratio=1", "--offer_interval_ms=20"}});
  Subscriber sub(m.port());
  FirstOffer offer = first_offer(sub, m.patience());
  ASSERT_FALSE(offer.id.empty()) << m.log();
  sub.call(accept_call(sub.framework_id(), offer.id, {task_info("f", offer.agent, "exit 1")}));
  std::optional<rapidjson::Document> status;
  while ((status = next_update(sub, "f", m.patience())) &&
         std::string((*status)["state"].GetString()) != "TASK_FAILED") {
  }
  ASSERT_TRUE(status) << m.log();
  EXPECT_STREQ((*status)["message"].GetString(), "Command exited with status 1");
  EXPECT_FALSE(status->HasMember("reason"));
}

TEST_P(Lifecycle, UnacknowledgedUpdateIsRedelivered) {
  // The agent's first retry is after 10 s: the real variant waits that long.
  MasterUnderTest& m =
      master({.sim_flags = {"--task_ms=60000", "--offer_interval_ms=20", "--update_retry_s=0.2"}});
  Subscriber sub(m.port());
  FirstOffer offer = first_offer(sub, m.patience());
  ASSERT_FALSE(offer.id.empty()) << m.log();
  sub.call(accept_call(sub.framework_id(), offer.id, {task_info("t", offer.agent, "sleep 60")}));
  auto first = next_update(sub, "t", m.patience(), false);
  auto again = next_update(sub, "t", real() ? 15s : 3s, false);
  ASSERT_TRUE(first && again);
  EXPECT_STREQ((*first)["state"].GetString(), "TASK_STARTING");
  EXPECT_STREQ((*first)["uuid"].GetString(), (*again)["uuid"].GetString());
}

TEST_P(Lifecycle, SecondSubscribeFailsTheFirstOver) {
  MasterUnderTest& m = master();
  Subscriber first(m.port());
  ASSERT_EQ(first.head().status, 200);
  Subscriber second(m.port(), first.framework_id());
  ASSERT_EQ(second.head().status, 200);
  EXPECT_EQ(second.framework_id(), first.framework_id());
  EXPECT_NE(second.stream_id(), first.stream_id());
  auto error = first.next("ERROR");
  ASSERT_TRUE(error);
  EXPECT_STREQ((*error)["error"]["message"].GetString(), "Framework failed over");
  EXPECT_TRUE(first.ends_within(2s));  // the old stream is closed
  std::string revive =
      R"({"type":"REVIVE","framework_id":{"value":")" + first.framework_id() + R"("}})";
  EXPECT_EQ(first.call(revive).status, 400);  // stale stream id
  EXPECT_EQ(second.call(revive).status, 202);
  if (Sim* sim = m.sim()) {
    auto state = sim->state();
    EXPECT_EQ(state["frameworks"][0]["live_streams"].GetUint64(), 1u);
    EXPECT_EQ(state["frameworks"][0]["subscriptions"].GetUint64(), 2u);
  }
}

TEST_P(Lifecycle, DisconnectedThenTornDownFrameworkIsRemoved) {
  // The emulator notices a closed connection at its next write: heartbeats make that soon.
  MasterUnderTest& m = master({.sim_flags = {"--heartbeat_interval_s=0.2"}});
  std::string id, stream;
  {
    Subscriber sub(m.port());
    id = sub.framework_id();
    stream = sub.stream_id();
  }  // the scheduler goes away
  std::string revive = R"({"type":"REVIVE","framework_id":{"value":")" + id + R"("}})";
  EXPECT_TRUE(scale::test::wait_until(
      [&] { return post(m.port(), revive, json_headers(stream)).status == 403; }, 5s));
  EXPECT_EQ(post(m.port(), revive, json_headers(stream)).body, "Framework is not subscribed");
  Subscriber back(m.port(), id);
  ASSERT_EQ(back.framework_id(), id);
  EXPECT_EQ(back.call(R"({"type":"TEARDOWN","framework_id":{"value":")" + id + R"("}})").status,
            202);
  EXPECT_TRUE(back.ends_within(2s));
  Subscriber refused(m.port(), id);
  EXPECT_EQ(refused.head().status, 200);
  auto error = refused.next("ERROR");
  ASSERT_TRUE(error);
  EXPECT_STREQ((*error)["error"]["message"].GetString(), "Framework has been removed");
  EXPECT_EQ(post(m.port(), revive, json_headers(stream)).status, 400);  // cannot be found
}

TEST(MesosSimLifecycle, MasterFailoverHidesTasksUntilAgentsReregister) {
  Sim sim({"--agents=1", "--task_ms=60000", "--offer_interval_ms=20"});
  std::string id, agent;
  {
    Subscriber sub(sim.port());
    id = sub.framework_id();
    FirstOffer offer = first_offer(sub, 5s);
    agent = offer.agent;
    sub.call(accept_call(id, offer.id, {task_info("t", offer.agent)}));
    ASSERT_TRUE(sub.next("UPDATE"));
    ASSERT_EQ(sim.sim_post("/sim/failover", R"({"min_ms":1500,"window_ms":2000})").status, 200);
    EXPECT_TRUE(sub.ends_within(2s));  // the old master's streams die
  }
  Subscriber back(sim.port(), id);
  ASSERT_EQ(back.framework_id(), id);
  back.call(
      reconcile_call(id, R"({"task_id":{"value":"t"},"agent_id":{"value":")" + agent + R"("}})"));
  EXPECT_FALSE(back.next("UPDATE", 300ms));  // agent still recovering: no answer
  // After re-registration the unacked STARTING comes back (redelivered) and reconciliation
  // answers with the latest state.
  auto update = back.next("UPDATE", 5s);
  ASSERT_TRUE(update);
  EXPECT_STREQ((*update)["update"]["status"]["state"].GetString(), "TASK_STARTING");
}

TEST(MesosSimLifecycle, FaultEndpoints) {
  Sim sim({"--agents=2", "--heartbeat_interval_s=0.2", "--offer_interval_ms=20"});
  Subscriber sub(sim.port());
  FirstOffer offer = first_offer(sub, 5s);
  ASSERT_FALSE(offer.id.empty());
  ASSERT_EQ(sim.sim_post("/sim/heartbeats", R"({"enabled":false})").status, 200);
  sub.next("HEARTBEAT", 300ms);  // at most one already queued
  EXPECT_FALSE(sub.next("HEARTBEAT", 1s));
  EXPECT_FALSE(sub.connection().at_eof());  // the stream stays open
  ASSERT_EQ(sim.sim_post("/sim/heartbeats", R"({"enabled":true})").status, 200);
  EXPECT_TRUE(sub.next("HEARTBEAT", 1s));
  ASSERT_EQ(sim.sim_post("/sim/rescind", "{}").status, 200);
  auto rescind = sub.next("RESCIND");
  ASSERT_TRUE(rescind);
  EXPECT_TRUE((*rescind)["rescind"]["offer_id"].HasMember("value"));
  EXPECT_EQ(sim.sim_post("/sim/remove_agent", R"({"agent_id":"nope"})").status, 404);
  ASSERT_EQ(
      sim.sim_post("/sim/remove_agent", R"({"agent_id":")" + offer.agent + R"(","mode":"gone"})")
          .status,
      200);
  auto failure = sub.next("FAILURE");
  ASSERT_TRUE(failure);
  EXPECT_EQ((*failure)["failure"]["agent_id"]["value"].GetString(), offer.agent);
  // A dropped connection, as the master sees it: disconnected, calls get 403.
  ASSERT_EQ(sim.sim_post("/sim/close_streams", "{}").status, 200);
  EXPECT_TRUE(sub.ends_within(2s));
  EXPECT_EQ(
      sub.call(R"({"type":"REVIVE","framework_id":{"value":")" + sub.framework_id() + R"("}})")
          .status,
      403);
}

TEST(MesosSimProcess, SigtermExitsZeroQuicklyAndBadFlagsFail) {
  Sim sim({"--agents=3"});
  Subscriber sub(sim.port());  // an open stream must not delay the exit
  sim.process().signal(SIGTERM);
  int status = sim.process().wait(2s);
  ASSERT_NE(status, -1) << "did not exit";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << sim.log();
  Sim bad({"--listen=127.0.0.1"}, false);
  int bad_status = bad.process().wait(5s);
  EXPECT_TRUE(WIFEXITED(bad_status) && WEXITSTATUS(bad_status) != 0);
}

}  // namespace
}  // namespace mesos_sim::test
