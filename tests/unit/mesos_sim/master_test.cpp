// Unit tests of the emulator's core (no HTTP): offers and ACCEPT validation, refuse filters,
// update streams with redelivery and acknowledgement, reconciliation tables, failover.

#include <gtest/gtest.h>

#include <vector>

#include "base64.h"
#include "master_fixture.h"

namespace mesos_sim {
namespace {

TEST_F(MasterTest, SubscribeSendsSubscribedThenHeartbeat) {
  subscribe();
  EXPECT_FALSE(fw_.empty());
  EXPECT_EQ(sink_.take(stream_, "HEARTBEAT").size(), 1u);
}

TEST_F(MasterTest, AcceptLaunchesAndJournals) {
  subscribe();
  auto [offer_id, agent] = offer();
  ASSERT_FALSE(offer_id.empty());
  EXPECT_EQ(call("ACCEPT", launch(offer_id, agent, "t1")).status, 202);
  ASSERT_EQ(journal_.records().size(), 1u);
  EXPECT_EQ(journal_.records()[0].task_id, "t1");
  EXPECT_EQ(journal_.records()[0].stream_id, stream_);
  advance(10);
  EXPECT_EQ(states(), std::vector<std::string>{"TASK_RUNNING"});
}

TEST_F(MasterTest, OfferUsedTwiceIsInvalidAndTasksAreDroppedWithoutUuid) {
  subscribe();
  auto [offer_id, agent] = offer();
  call("ACCEPT", launch(offer_id, agent, "t1"));
  call("ACCEPT", launch(offer_id, agent, "t2"));
  auto updates = sink_.take(stream_, "UPDATE");
  ASSERT_EQ(updates.size(), 1u);
  const auto& status = updates[0]["update"]["status"];
  EXPECT_STREQ(status["state"].GetString(), "TASK_DROPPED");
  EXPECT_STREQ(status["reason"].GetString(), "REASON_INVALID_OFFERS");
  EXPECT_FALSE(status.HasMember("uuid"));
  EXPECT_EQ(journal_.records().size(), 1u);
}

TEST_F(MasterTest, OffersFromTwoAgentsCannotBeCombined) {
  subscribe();
  const auto offers = two_offers();
  ASSERT_EQ(offers.size(), 2u);
  const auto& [a, agent] = offers[0];
  const std::string& b = offers[1].first;
  std::string sub = launch(a, agent, "t");
  sub.replace(sub.find("}],"), 3, R"(},{"value":")" + b + R"("}],)");
  call("ACCEPT", sub);
  EXPECT_EQ(states(), std::vector<std::string>{"TASK_DROPPED"});
}

TEST_F(MasterTest, InvalidTaskGetsTaskError) {
  subscribe();
  auto [offer_id, agent] = offer();
  call("ACCEPT", launch(offer_id, agent, "big", 64));  // more cpus than offered
  EXPECT_EQ(states(), std::vector<std::string>{"TASK_ERROR"});
  EXPECT_TRUE(journal_.records().empty());
}

TEST_F(MasterTest, RefuseFilterHoldsOffersUntilExpiry) {
  subscribe();
  auto [offer_id, agent] = offer();
  call("DECLINE", R"(,"decline":{"offer_ids":[{"value":")" + offer_id +
                      R"("}],"filters":{"refuse_seconds":1}})");
  advance(500);
  for (auto& doc : sink_.take(stream_, "OFFERS")) {
    for (auto& o : doc["offers"]["offers"].GetArray()) {
      EXPECT_NE(o["agent_id"]["value"].GetString(), agent);
    }
  }
  advance(600);
  bool again = false;
  for (auto& doc : sink_.take(stream_, "OFFERS")) {
    for (auto& o : doc["offers"]["offers"].GetArray()) {
      again |= o["agent_id"]["value"].GetString() == agent;
    }
  }
  EXPECT_TRUE(again);
}

TEST_F(MasterTest, SuppressStopsOffersAndReviveResumes) {
  subscribe();
  call("SUPPRESS");
  advance(50);
  EXPECT_TRUE(sink_.take(stream_, "OFFERS").empty());
  call("REVIVE", R"(,"revive":{"roles":["r"]})");
  advance(50);
  EXPECT_FALSE(sink_.take(stream_, "OFFERS").empty());
}

TEST_F(MasterTest, UpdateStreamIsOrderedRedeliveredAndAcked) {
  subscribe();
  auto [offer_id, agent] = offer();
  call("ACCEPT", launch(offer_id, agent, "t"));
  advance(200);  // RUNNING sent; FINISHED queued behind the unacked head
  auto first = sink_.take(stream_, "UPDATE");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_STREQ(first[0]["update"]["status"]["state"].GetString(), "TASK_RUNNING");
  std::string uuid = first[0]["update"]["status"]["uuid"].GetString();
  EXPECT_EQ(base64_decode(uuid)->size(), 16u);
  advance(1000);  // redelivery of the same head
  auto again = sink_.take(stream_, "UPDATE");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0]["update"]["status"]["uuid"].GetString(), uuid);
  std::string ack = R"(,"acknowledge":{"agent_id":{"value":")" + agent +
                    R"("},"task_id":{"value":"t"},"uuid":")" + uuid + R"("})";
  call("ACKNOWLEDGE", ack);
  auto finished = sink_.take(stream_, "UPDATE");
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_STREQ(finished[0]["update"]["status"]["state"].GetString(), "TASK_FINISHED");
  ASSERT_NE(master_->find_task(fw_, "t"), nullptr);
  std::string final_uuid = finished[0]["update"]["status"]["uuid"].GetString();
  call("ACKNOWLEDGE", R"(,"acknowledge":{"agent_id":{"value":")" + agent +
                          R"("},"task_id":{"value":"t"},"uuid":")" + final_uuid + R"("})");
  EXPECT_EQ(master_->find_task(fw_, "t"), nullptr);  // acked terminal update drops it
}

TEST_F(MasterTest, KillKnownTaskAndUnknownTask) {
  subscribe();
  auto [offer_id, agent] = offer();
  call("ACCEPT", launch(offer_id, agent, "t"));
  advance(10);
  EXPECT_EQ(states(), std::vector<std::string>{"TASK_RUNNING"});
  call("KILL", R"(,"kill":{"task_id":{"value":"t"}})");
  EXPECT_TRUE(states().empty());  // KILLED waits behind the unacked RUNNING
  ASSERT_NE(master_->find_task(fw_, "t"), nullptr);
  EXPECT_EQ(master_->find_task(fw_, "t")->state, TaskState::KILLED);
  call("KILL", R"(,"kill":{"task_id":{"value":"ghost"},"agent_id":{"value":")" + agent + R"("}})");
  EXPECT_EQ(states(), std::vector<std::string>{"TASK_GONE"});
}

TEST_F(MasterTest, ExplicitReconciliationTable) {
  subscribe();
  std::string agent0 = master_->agents()[0].id, agent1 = master_->agents()[1].id;
  master_->remove_agent(agent1, AgentState::UNREACHABLE);
  std::string tasks = R"(,"reconcile":{"tasks":[{"task_id":{"value":"a"},"agent_id":{"value":")" +
                      agent0 + R"("}},{"task_id":{"value":"b"},"agent_id":{"value":")" + agent1 +
                      R"("}},{"task_id":{"value":"c"},"agent_id":{"value":"nope"}},)"
                      R"({"task_id":{"value":"d"}}]})";
  call("RECONCILE", tasks);
  EXPECT_EQ(states(), (std::vector<std::string>{"TASK_GONE", "TASK_UNREACHABLE", "TASK_UNKNOWN",
                                                "TASK_UNKNOWN"}));
}

TEST_F(MasterTest, NoReconciliationAnswerWhileAgentsRecoverAfterFailover) {
  subscribe();
  std::string agent0 = master_->agents()[0].id;
  master_->failover(1000, 1000, now_);
  EXPECT_EQ(sink_.closed.size(), 1u);
  EXPECT_EQ(master_->frameworks().size(), 0u);
  std::string old_id = fw_;
  subscribe(old_id);
  EXPECT_EQ(fw_, old_id);
  call("RECONCILE", R"(,"reconcile":{"tasks":[{"task_id":{"value":"a"},"agent_id":{"value":")" +
                        agent0 + R"("}},{"task_id":{"value":"b"}}]})");
  EXPECT_TRUE(states().empty());
  advance(1100);
  call("RECONCILE", R"(,"reconcile":{"tasks":[{"task_id":{"value":"a"}}]})");
  EXPECT_EQ(states(), std::vector<std::string>{"TASK_UNKNOWN"});
}

TEST_F(MasterTest, SecondSubscribeFailsOverFirstAndTimeoutRemoves) {
  std::string first = subscribe();
  std::string id = fw_;
  std::string second = subscribe(id);
  auto errors = sink_.take(first, "ERROR");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_STREQ(errors[0]["error"]["message"].GetString(), "Framework failed over");
  EXPECT_EQ(sink_.closed, std::vector<std::string>{first});
  EXPECT_EQ(master_
                ->call(parse_ok(R"({"type":"REVIVE","framework_id":{"value":")" + id + "\"}}"),
                       first, now_)
                .status,
            400);
  master_->stream_closed(second, now_);
  EXPECT_EQ(call("REVIVE").status, 403);
  advance(10100);  // failover_timeout 10 s
  EXPECT_EQ(call("REVIVE").status, 400);
  std::string third = subscribe(id);
  auto removed = sink_.take(third, "ERROR");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_STREQ(removed[0]["error"]["message"].GetString(), "Framework has been removed");
}

}  // namespace
}  // namespace mesos_sim
