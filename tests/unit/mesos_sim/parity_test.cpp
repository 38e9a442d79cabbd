// What the emulator's core does because a real Mesos 1.12 master was seen doing it (the
// real-master variants of tests/integration/mesos_sim check the same against a real master):
// TASK_STARTING, offer shapes, the master's messages, agent removal, UPDATE_FRAMEWORK, principals.

#include <gtest/gtest.h>

#include "master_fixture.h"

namespace mesos_sim {
namespace {

std::string ack(const std::string& agent, const rapidjson::Value& status) {
  return R"(,"acknowledge":{"agent_id":{"value":")" + agent + R"("},"task_id":{"value":")" +
         status["task_id"]["value"].GetString() + R"("},"uuid":")" + status["uuid"].GetString() +
         R"("})";
}

TEST_F(MasterTest, StartingComesFirstAndRunningWaitsForItsAck) {
  config_.task_starting = true;
  restart();
  subscribe();
  auto [offer_id, agent] = offer();
  call("ACCEPT", launch(offer_id, agent, "t"));
  advance(10);
  auto first = updates();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_STREQ(first[0]["state"].GetString(), "TASK_STARTING");
  EXPECT_STREQ(first[0]["executor_id"]["value"].GetString(), "t");     // the command executor's id
  EXPECT_EQ(master_->find_task(fw_, "t")->state, TaskState::RUNNING);  // latest_state
  call("ACKNOWLEDGE", ack(agent, first[0]));
  EXPECT_EQ(states(), std::vector<std::string>{"TASK_RUNNING"});
}

TEST_F(MasterTest, OffersLookLikeTheMastersAndAllocationInfoNeedsMultiRole) {
  subscribe();
  advance(20);
  auto multi = sink_.take(stream_, "OFFERS");
  ASSERT_FALSE(multi.empty());
  const auto& offer = multi[0]["offers"]["offers"][0];
  EXPECT_STREQ(offer["url"]["scheme"].GetString(), "http");
  EXPECT_STREQ(offer["url"]["path"].GetString(), "/slave(1)");
  EXPECT_STREQ(offer["allocation_info"]["role"].GetString(), "r");
  EXPECT_STREQ(offer["resources"][0]["role"].GetString(), "*");
  EXPECT_STREQ(offer["resources"][0]["allocation_info"]["role"].GetString(), "r");
  call("TEARDOWN");
  subscribe(std::nullopt, R"("role":"r")");
  advance(20);
  auto single = sink_.take(stream_, "OFFERS");
  ASSERT_FALSE(single.empty());
  const auto& plain = single[0]["offers"]["offers"][0];
  EXPECT_FALSE(plain.HasMember("allocation_info"));
  EXPECT_FALSE(plain["resources"][0].HasMember("allocation_info"));
  EXPECT_STREQ(plain["resources"][0]["role"].GetString(), "*");
}

TEST_F(MasterTest, TaskErrorsInTheMastersOrderAndWords) {
  subscribe();
  auto [offer_id, agent] = offer();
  auto task = [&](const std::string& id, const std::string& agent_id, const std::string& rest) {
    return R"({"name":"x","task_id":{"value":")" + id + R"("},"agent_id":{"value":")" + agent_id +
           R"("},)" + rest + "}";
  };
  const std::string cpus = R"("resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}])";
  std::string tasks = task("a/b", agent, R"("command":{},)" + cpus) + "," +
                      task("elsewhere", "S9", cpus) + "," +
                      task("neg", agent,
                           R"("command":{},"resources":[{"name":"mem","type":"SCALAR",)"
                           R"("scalar":{"value":-1}}])") +
                      "," + task("big", agent, R"("command":{},)" + cpus) + "," +
                      task("big", agent, R"("command":{},)" + cpus);
  call("ACCEPT", R"(,"accept":{"offer_ids":[{"value":")" + offer_id +
                     R"("}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[)" + tasks +
                     R"(]}},{"type":"LAUNCH","id":{"value":"op"},"launch":{"task_infos":[)" +
                     task("op", agent, R"("command":{},)" + cpus) + "]}}]}");
  std::vector<std::string> messages;
  for (auto& status : updates()) messages.push_back(status["message"].GetString());
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "The `id` field cannot be set on LAUNCH operations",
                          "'a/b' contains invalid characters",
                          "Task uses invalid agent S9 while agent " + agent + " is expected",
                          "Resource 'mem(allocated: r):-1' is invalid: Invalid scalar resource: "
                          "value <= 0",
                          "Task has duplicate ID: big",
                      }));
  EXPECT_EQ(master_->find_task(fw_, "big")->state, TaskState::STAGING);
}

TEST_F(MasterTest, TooBigTaskNamesTheResources) {
  subscribe();
  auto [offer_id, agent] = offer();
  call("ACCEPT", launch(offer_id, agent, "big", 64));
  auto errors = updates();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_STREQ(errors[0]["message"].GetString(),
               "Total resources cpus(allocated: r):64 required by task and its executor is more "
               "than available cpus(allocated: r):4; mem(allocated: r):4096; disk(allocated: "
               "r):1000");
}

TEST_F(MasterTest, GpusMustBeWhole) {
  config_.agent_resources.gpus = 2;
  restart();
  subscribe(std::nullopt, R"("roles":["r"],"capabilities":[{"type":"MULTI_ROLE"},)"
                          R"({"type":"GPU_RESOURCES"}])");
  auto [offer_id, agent] = offer();
  std::string sub = launch(offer_id, agent, "g");
  sub.replace(sub.find(R"("name":"cpus")"), 13, R"("name":"gpus")");
  sub.replace(sub.find("1.000000"), 8, "0.5");
  call("ACCEPT", sub);
  auto errors = updates();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_STREQ(errors[0]["message"].GetString(),
               "Task uses invalid resources: Invalid 'gpus' resource: The 'gpus' resource must be "
               "an unsigned integer");
}

TEST_F(MasterTest, InvalidOffersSayWhyLikeTheMaster) {
  subscribe();
  const auto offers = two_offers();
  ASSERT_EQ(offers.size(), 2u);
  const auto& [a, agent_a] = offers[0];
  const auto& [b, agent_b] = offers[1];
  std::string sub = launch(a, agent_a, "t");
  sub.replace(sub.find("}],"), 3, R"(},{"value":")" + b + R"("}],)");
  call("ACCEPT", sub);
  call("ACCEPT", launch("gone", agent_a, "u"));
  call("ACCEPT", R"(,"accept":{"offer_ids":[],"operations":[]})");
  std::vector<std::string> messages;
  for (auto& status : updates()) messages.push_back(status["message"].GetString());
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "Task launched with invalid offers: Aggregated offers must belong to one "
                          "single agent. Offer " +
                              b + " uses agent " + agent_b + " and agent " + agent_a,
                          "Task launched with invalid offers: Offer gone is no longer valid"}));
}

TEST_F(MasterTest, AnotherFrameworksOfferIsDiscardedSilently) {
  std::string owner_stream = subscribe();
  std::string owner = fw_;
  auto [offer_id, agent] = offer();
  ASSERT_FALSE(offer_id.empty());
  subscribe();  // a second framework uses the first one's offer
  call("ACCEPT", launch(offer_id, agent, "t"));
  auto dropped = updates();
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0]["message"].GetString(), "Task launched with invalid offers: Offer " +
                                                   offer_id + " has invalid framework " + owner +
                                                   " while framework " + fw_ + " is expected");
  EXPECT_FALSE(master_->offers().count(offer_id));
  EXPECT_TRUE(sink_.take(owner_stream, "RESCIND").empty());  // its owner is not told
}

TEST_F(MasterTest, AnotherFrameworksOfferCanBeDeclinedForIt) {
  std::string owner_stream = subscribe();
  auto [offer_id, agent] = offer();
  ASSERT_FALSE(offer_id.empty());
  subscribe();
  EXPECT_EQ(call("DECLINE", R"(,"decline":{"offer_ids":[{"value":")" + offer_id +
                                R"("},{"value":"nope"}],"filters":{"refuse_seconds":3600}})")
                .status,
            202);
  EXPECT_FALSE(master_->offers().count(offer_id));
  advance(50);
  for (auto& event : sink_.take(owner_stream, "OFFERS")) {  // the owner's filter holds that agent
    for (const auto& o : event["offers"]["offers"].GetArray()) {
      EXPECT_NE(o["agent_id"]["value"].GetString(), agent);
    }
  }
  EXPECT_TRUE(sink_.take(owner_stream, "RESCIND").empty());
}

TEST_F(MasterTest, ReconciliationAnswersCarryTheMastersMessages) {
  subscribe();
  std::string agent0 = master_->agents()[0].id, agent1 = master_->agents()[1].id;
  master_->remove_agent(agent1, AgentState::UNREACHABLE);
  updates();
  call("RECONCILE", R"(,"reconcile":{"tasks":[{"task_id":{"value":"a"},"agent_id":{"value":")" +
                        agent0 + R"("}},{"task_id":{"value":"b"},"agent_id":{"value":")" + agent1 +
                        R"("}},{"task_id":{"value":"c"}}]})");
  auto answers = updates();
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_STREQ(answers[0]["message"].GetString(), "Reconciliation: Task is unknown to the agent");
  EXPECT_STREQ(answers[1]["message"].GetString(), "Reconciliation: Task is unreachable");
  EXPECT_TRUE(answers[1].HasMember("unreachable_time"));
  EXPECT_STREQ(answers[2]["message"].GetString(), "Reconciliation: Task is unknown");
  EXPECT_FALSE(answers[2].HasMember("agent_id"));
}

TEST_F(MasterTest, AgentRemovalUpdatesPerCause) {
  subscribe();
  advance(20);
  auto offers = sink_.take(stream_, "OFFERS");
  ASSERT_EQ(offers[0]["offers"]["offers"].Size(), 2u);
  std::vector<std::pair<std::string, std::string>> two;
  for (const auto& o : offers[0]["offers"]["offers"].GetArray()) {
    two.emplace_back(o["id"]["value"].GetString(), o["agent_id"]["value"].GetString());
  }
  call("ACCEPT", launch(two[0].first, two[0].second, "t"));
  call("ACCEPT", launch(two[1].first, two[1].second, "u"));
  advance(10);
  updates();
  master_->remove_agent(two[0].second, AgentState::REMOVED);
  auto lost = updates();
  ASSERT_EQ(lost.size(), 1u);
  // A clean removal is TASK_LOST even for a PARTITION_AWARE framework.
  EXPECT_STREQ(lost[0]["state"].GetString(), "TASK_LOST");
  EXPECT_STREQ(lost[0]["reason"].GetString(), "REASON_AGENT_REMOVED");
  const Agent& removed = master_->agents()[two[0].second.back() - '0'];
  EXPECT_EQ(lost[0]["message"].GetString(),
            "Agent " + removed.hostname + " removed: the agent unregistered");
  master_->remove_agent(two[1].second, AgentState::UNREACHABLE);
  auto unreachable = updates();
  ASSERT_EQ(unreachable.size(), 1u);
  EXPECT_STREQ(unreachable[0]["state"].GetString(), "TASK_UNREACHABLE");
  EXPECT_STREQ(unreachable[0]["message"].GetString(), "health check timed out");
  EXPECT_GT(unreachable[0]["unreachable_time"]["nanoseconds"].GetInt64(), 0);
}

TEST_F(MasterTest, KilledTaskSaysTerminated) {
  subscribe();
  auto [offer_id, agent] = offer();
  call("ACCEPT", launch(offer_id, agent, "t"));
  advance(10);
  call("ACKNOWLEDGE", ack(agent, updates().at(0)));
  call("KILL", R"(,"kill":{"task_id":{"value":"t"}})");
  auto killed = updates();
  ASSERT_EQ(killed.size(), 1u);
  EXPECT_STREQ(killed[0]["message"].GetString(), "Command terminated with signal Terminated");
}

TEST_F(MasterTest, FailedTaskHasAnExitStatusAndNoReason) {
  config_.fail_ratio = 1;
  restart();
  subscribe();
  auto [offer_id, agent] = offer();
  call("ACCEPT", launch(offer_id, agent, "t"));
  advance(10);
  call("ACKNOWLEDGE", ack(agent, updates().at(0)));
  advance(200);
  auto failed = updates();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_STREQ(failed[0]["state"].GetString(), "TASK_FAILED");
  EXPECT_STREQ(failed[0]["message"].GetString(), "Command exited with status 1");
  EXPECT_FALSE(failed[0].HasMember("reason"));
}

TEST_F(MasterTest, SubscribeAndReviveAllocateAtOnce) {
  config_.offer_interval_ms = 60000;
  restart();
  advance(5);  // the first allocation, with nobody to offer to
  subscribe();
  advance(5);
  auto first = sink_.take(stream_, "OFFERS");
  ASSERT_EQ(first.size(), 1u);
  std::string id = first[0]["offers"]["offers"][0]["id"]["value"].GetString();
  call("DECLINE",
       R"(,"decline":{"offer_ids":[{"value":")" + id + R"("}],"filters":{"refuse_seconds":3600}})");
  call("SUPPRESS");
  call("REVIVE");
  advance(5);
  EXPECT_EQ(sink_.take(stream_, "OFFERS").size(), 1u);  // not after the 60 s interval
}

TEST_F(MasterTest, UpdateFrameworkIsSynchronous) {
  subscribe();
  std::string info = R"({"id":{"value":")" + fw_ +
                     R"("},"user":"u","name":"renamed","roles":["r","s"],)"
                     R"("capabilities":[{"type":"MULTI_ROLE"}]})";
  Reply ok = call("UPDATE_FRAMEWORK", R"(,"update_framework":{"framework_info":)" + info + "}");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(master_->frameworks().at(fw_).info.name, "renamed");
  std::string dup = R"({"id":{"value":")" + fw_ +
                    R"("},"user":"u","name":"n","roles":["r","r"],)"
                    R"("capabilities":[{"type":"MULTI_ROLE"}]})";
  Reply bad = call("UPDATE_FRAMEWORK", R"(,"update_framework":{"framework_info":)" + dup + "}");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, "'FrameworkInfo.roles' contains duplicate items: { r }");
}

TEST_F(MasterTest, AuthenticatedPrincipalIsFilledInAndEnforced) {
  subscribe(std::nullopt, kFields, std::string("sched"));
  EXPECT_EQ(master_->frameworks().at(fw_).info.principal, "sched");
  EXPECT_EQ(call("REVIVE", "", std::string("sched")).status, 202);
  Reply other = call("REVIVE", "", std::string("other"));
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(other.body,
            "Authenticated principal 'other' does not match principal 'sched' set in "
            "`FrameworkInfo`");
  // Resubscribing as someone else fills in that principal: a change the master refuses.
  std::string old = stream_;
  std::string refused = subscribe(fw_, kFields, std::string("other"));
  auto errors = sink_.take(refused, "ERROR");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_STREQ(errors[0]["error"]["message"].GetString(),
               "Changing framework's principal is not allowed.");
  EXPECT_TRUE(sink_.take(old, "ERROR").empty());  // the first subscription stays
}

TEST_F(MasterTest, NegativeFailoverTimeoutIsAccepted) {
  Call call = parse_ok(R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u",)"
                       R"("name":"n","failover_timeout":-1}}})");
  stream_ = master_->new_stream_id();
  master_->subscribe(call, stream_, now_);
  EXPECT_EQ(sink_.take(stream_, "SUBSCRIBED").size(), 1u);
}

}  // namespace
}  // namespace mesos_sim
