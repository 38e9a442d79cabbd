// Emulator behaviour over real HTTP: offers, LAUNCH, reliable updates and acknowledgements,
// reconciliation, framework failover/removal, journal and state.

#include <gtest/gtest.h>

#include <fstream>

#include "sim_fixture.h"

namespace mesos_sim::test {
namespace {

std::string accept_call(const std::string& fw, const std::string& offer, const std::string& agent,
                        const std::vector<std::string>& tasks) {
  std::string infos;
  for (const auto& task : tasks) {
    if (!infos.empty()) infos += ",";
    infos += R"({"name":")" + task + R"(","task_id":{"value":")" + task +
             R"("},"agent_id":{"value":")" + agent +
             R"("},"command":{"value":"true"},"resources":[{"name":"cpus","type":"SCALAR",)"
             R"("scalar":{"value":0.5},"allocation_info":{"role":"r"}}]})";
  }
  return R"({"type":"ACCEPT","framework_id":{"value":")" + fw +
         R"("},"accept":{"offer_ids":[{"value":")" + offer +
         R"("}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[)" + infos +
         R"(]}}],"filters":{"refuse_seconds":0}}})";
}

std::string ack_call(const std::string& fw, const rapidjson::Value& status) {
  return R"({"type":"ACKNOWLEDGE","framework_id":{"value":")" + fw +
         R"("},"acknowledge":{"agent_id":{"value":")" + status["agent_id"]["value"].GetString() +
         R"("},"task_id":{"value":")" + status["task_id"]["value"].GetString() + R"("},"uuid":")" +
         status["uuid"].GetString() + R"("}})";
}

std::string reconcile_call(const std::string& fw, const std::string& tasks) {
  return R"({"type":"RECONCILE","framework_id":{"value":")" + fw + R"("},"reconcile":{"tasks":[)" +
         tasks + "]}}";
}

struct FirstOffer {
  std::string id, agent;
};

FirstOffer first_offer(Subscriber& sub) {
  auto offers = sub.next("OFFERS");
  if (!offers) return {};
  const auto& offer = (*offers)["offers"]["offers"][0];
  return {offer["id"]["value"].GetString(), offer["agent_id"]["value"].GetString()};
}

TEST(MesosSimLifecycle, LaunchUpdatesAcksJournalAndState) {
  Sim sim({"--agents=2", "--task_ms=200", "--offer_interval_ms=20"});
  Subscriber sub(sim.port());
  ASSERT_EQ(sub.head().status, 200);
  FirstOffer offer = first_offer(sub);
  ASSERT_FALSE(offer.id.empty());
  EXPECT_EQ(sub.call(accept_call(sub.framework_id(), offer.id, offer.agent, {"t1", "t2"})).status,
            202);
  int finished = 0;
  while (finished < 2) {
    auto update = sub.next("UPDATE");
    ASSERT_TRUE(update) << sim.log();
    const auto& status = (*update)["update"]["status"];
    ASSERT_TRUE(status.HasMember("uuid"));
    EXPECT_EQ(std::string(status["uuid"].GetString()).size(), 24u);  // base64 of 16 bytes
    EXPECT_STREQ(status["source"].GetString(), "SOURCE_EXECUTOR");
    finished += std::string(status["state"].GetString()) == "TASK_FINISHED";
    EXPECT_EQ(sub.call(ack_call(sub.framework_id(), status)).status, 202);
  }
  // Acked terminal updates drop the tasks from the master.
  EXPECT_TRUE(
      scale::test::wait_until([&] { return sim.state()["tasks_by_state"].ObjectEmpty(); }, 5s));
  auto journal = sim.journal();
  ASSERT_EQ(journal["launches"].Size(), 2u);
  EXPECT_STREQ(journal["launches"][0]["task_id"].GetString(), "t1");
  EXPECT_EQ(journal["launches"][0]["stream_id"].GetString(), sub.stream_id());
  EXPECT_EQ(journal["launches"][1]["agent_id"].GetString(), offer.agent);
  auto state = sim.state();
  EXPECT_EQ(state["launches"].GetUint64(), 2u);
  EXPECT_EQ(state["duplicate_launches"].GetUint64(), 0u);
  EXPECT_EQ(state["frameworks"][0]["live_streams"].GetUint64(), 1u);
  EXPECT_TRUE(state["frameworks"][0]["connected"].GetBool());
  // The same launches on disk, one JSON line each.
  std::ifstream file(sim.journal_path());
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_STREQ(parse(lines[1])["task_id"].GetString(), "t2");
}

TEST(MesosSimLifecycle, SemanticSubscribeRefusalIsAnErrorEvent) {
  Sim sim({"--agents=1"});
  Connection c(sim.port());
  c.send("POST", "/api/v1/scheduler", json_headers(),
         R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n",)"
         R"("roles":["a","a"],"capabilities":[{"type":"MULTI_ROLE"}]}}})");
  EXPECT_EQ(c.read_head().status, 200);
  auto record = c.next_record(5s);
  ASSERT_TRUE(record);
  auto error = parse(*record);
  EXPECT_STREQ(error["type"].GetString(), "ERROR");
  EXPECT_FALSE(c.next_record(5s));
  EXPECT_TRUE(c.stream_ended() || c.at_eof());
}

TEST(MesosSimLifecycle, InvalidOffersAndReconciliation) {
  Sim sim({"--agents=1", "--task_ms=60000", "--offer_interval_ms=20"});
  Subscriber sub(sim.port());
  FirstOffer offer = first_offer(sub);
  ASSERT_FALSE(offer.id.empty());
  const std::string& fw = sub.framework_id();
  // An unknown offer id: TASK_DROPPED (PARTITION_AWARE) from the master, without uuid.
  sub.call(accept_call(fw, "no-such-offer", offer.agent, {"bad"}));
  auto dropped = sub.next("UPDATE");
  ASSERT_TRUE(dropped);
  const auto& status = (*dropped)["update"]["status"];
  EXPECT_STREQ(status["state"].GetString(), "TASK_DROPPED");
  EXPECT_STREQ(status["reason"].GetString(), "REASON_INVALID_OFFERS");
  EXPECT_STREQ(status["source"].GetString(), "SOURCE_MASTER");
  EXPECT_FALSE(status.HasMember("uuid"));
  // Launch one long task, ack RUNNING, then reconcile.
  sub.call(accept_call(fw, offer.id, offer.agent, {"long"}));
  auto running = sub.next("UPDATE");
  ASSERT_TRUE(running);
  EXPECT_STREQ((*running)["update"]["status"]["state"].GetString(), "TASK_RUNNING");
  sub.call(ack_call(fw, (*running)["update"]["status"]));
  sub.call(reconcile_call(fw, R"({"task_id":{"value":"long"}},{"task_id":{"value":"ghost"},)"
                              R"("agent_id":{"value":")" +
                                  offer.agent + R"("}})"));
  auto known = sub.next("UPDATE");
  auto ghost = sub.next("UPDATE");
  ASSERT_TRUE(known && ghost);
  EXPECT_STREQ((*known)["update"]["status"]["state"].GetString(), "TASK_RUNNING");
  EXPECT_STREQ((*known)["update"]["status"]["reason"].GetString(), "REASON_RECONCILIATION");
  EXPECT_FALSE((*known)["update"]["status"].HasMember("uuid"));
  EXPECT_STREQ((*ghost)["update"]["status"]["state"].GetString(), "TASK_GONE");
  sub.call(reconcile_call(fw, ""));  // implicit
  auto implicit = sub.next("UPDATE");
  ASSERT_TRUE(implicit);
  EXPECT_STREQ((*implicit)["update"]["status"]["task_id"]["value"].GetString(), "long");
  // KILL of an unknown task answers like explicit reconciliation (no agent: TASK_UNKNOWN).
  sub.call(R"({"type":"KILL","framework_id":{"value":")" + fw +
           R"("},"kill":{"task_id":{"value":"nope"}}})");
  auto unknown = sub.next("UPDATE");
  ASSERT_TRUE(unknown);
  EXPECT_STREQ((*unknown)["update"]["status"]["state"].GetString(), "TASK_UNKNOWN");
}

TEST(MesosSimLifecycle, UnacknowledgedUpdateIsRedelivered) {
  Sim sim({"--agents=1", "--task_ms=60000", "--offer_interval_ms=20", "--update_retry_s=0.2"});
  Subscriber sub(sim.port());
  FirstOffer offer = first_offer(sub);
  sub.call(accept_call(sub.framework_id(), offer.id, offer.agent, {"t"}));
  auto first = sub.next("UPDATE");
  auto again = sub.next("UPDATE", 3s);
  ASSERT_TRUE(first && again);
  EXPECT_STREQ((*first)["update"]["status"]["uuid"].GetString(),
               (*again)["update"]["status"]["uuid"].GetString());
}

TEST(MesosSimLifecycle, SecondSubscribeFailsTheFirstOver) {
  Sim sim({"--agents=1"});
  Subscriber first(sim.port());
  ASSERT_EQ(first.head().status, 200);
  Subscriber second(sim.port(), first.framework_id());
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
  auto state = sim.state();
  EXPECT_EQ(state["frameworks"][0]["live_streams"].GetUint64(), 1u);
  EXPECT_EQ(state["frameworks"][0]["subscriptions"].GetUint64(), 2u);
}

TEST(MesosSimLifecycle, DisconnectedThenTornDownFrameworkIsRemoved) {
  Sim sim({"--agents=1"});
  std::string id, stream;
  {
    Subscriber sub(sim.port());
    id = sub.framework_id();
    stream = sub.stream_id();
    ASSERT_EQ(sim.sim_post("/sim/close_streams", "{}").status, 200);
    EXPECT_TRUE(sub.ends_within(2s));
  }
  std::string revive = R"({"type":"REVIVE","framework_id":{"value":")" + id + R"("}})";
  EXPECT_EQ(post(sim.port(), revive, json_headers(stream)).status, 403);
  Subscriber back(sim.port(), id);
  ASSERT_EQ(back.framework_id(), id);
  EXPECT_EQ(back.call(R"({"type":"TEARDOWN","framework_id":{"value":")" + id + R"("}})").status,
            202);
  Subscriber refused(sim.port(), id);
  EXPECT_EQ(refused.head().status, 200);
  auto error = refused.next("ERROR");
  ASSERT_TRUE(error);
  EXPECT_STREQ((*error)["error"]["message"].GetString(), "Framework has been removed");
  EXPECT_EQ(post(sim.port(), revive, json_headers(stream)).status, 400);  // cannot be found
}

TEST(MesosSimLifecycle, MasterFailoverHidesTasksUntilAgentsReregister) {
  Sim sim({"--agents=1", "--task_ms=60000", "--offer_interval_ms=20"});
  std::string id, agent;
  {
    Subscriber sub(sim.port());
    id = sub.framework_id();
    FirstOffer offer = first_offer(sub);
    agent = offer.agent;
    sub.call(accept_call(id, offer.id, offer.agent, {"t"}));
    ASSERT_TRUE(sub.next("UPDATE"));
    ASSERT_EQ(sim.sim_post("/sim/failover", R"({"min_ms":1500,"window_ms":2000})").status, 200);
    EXPECT_TRUE(sub.ends_within(2s));  // the old master's streams die
  }
  Subscriber back(sim.port(), id);
  ASSERT_EQ(back.framework_id(), id);
  back.call(
      reconcile_call(id, R"({"task_id":{"value":"t"},"agent_id":{"value":")" + agent + R"("}})"));
  EXPECT_FALSE(back.next("UPDATE", 300ms));  // agent still recovering: no answer
  // After re-registration the unacked RUNNING comes back (redelivered) and reconciliation answers.
  auto update = back.next("UPDATE", 5s);
  ASSERT_TRUE(update);
  EXPECT_STREQ((*update)["update"]["status"]["state"].GetString(), "TASK_RUNNING");
}

TEST(MesosSimLifecycle, FaultEndpoints) {
  Sim sim({"--agents=2", "--heartbeat_interval_s=0.2", "--offer_interval_ms=20"});
  Subscriber sub(sim.port());
  FirstOffer offer = first_offer(sub);
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
