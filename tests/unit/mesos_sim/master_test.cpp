// Unit tests of the emulator's core (no HTTP): offers and ACCEPT validation, refuse filters,
// update streams with redelivery and acknowledgement, reconciliation tables, failover.

#include "master.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <vector>

#include "base64.h"
#include "call.h"

namespace mesos_sim {
namespace {

// Collects what the master sends, decoded.
class RecordingSink : public StreamSink {
 public:
  void send(const std::string& stream, const std::string& event) override {
    rapidjson::Document doc;
    doc.Parse(event.c_str());
    EXPECT_FALSE(doc.HasParseError()) << event;
    events[stream].push_back(event);
  }
  void close(const std::string& stream) override { closed.push_back(stream); }

  // Events of `type` on a stream, decoded; clears them.
  std::vector<rapidjson::Document> take(const std::string& stream, const std::string& type) {
    std::vector<rapidjson::Document> out;
    auto& list = events[stream];
    for (auto it = list.begin(); it != list.end();) {
      rapidjson::Document doc;
      doc.Parse(it->c_str());
      if (type == doc["type"].GetString()) {
        out.push_back(std::move(doc));
        it = list.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }

  std::map<std::string, std::vector<std::string>> events;
  std::vector<std::string> closed;
};

Call parse_ok(const std::string& json) {
  ParsedCall parsed = parse_call(json.data(), json.size());
  EXPECT_TRUE(parsed.call) << parsed.error << " in " << json;
  return parsed.call.value_or(Call{});
}

class MasterTest : public ::testing::Test {
 protected:
  MasterTest() {
    config_.agents = 2;
    config_.agent_resources = Resources{4, 4096, 1000, 0};
    config_.task_ms_min = config_.task_ms_max = 100;
    config_.offer_interval_ms = 10;
    config_.update_retry_s = 1;
    master_ = std::make_unique<Master>(config_, MasterInfo{"m", "127.0.0.1", "h", "1.12.0", 5050},
                                       sink_, journal_, now_);
  }

  std::string subscribe(const std::optional<std::string>& id = std::nullopt) {
    std::string idjson = id ? R"("id":{"value":")" + *id + R"("},)" : "";
    std::string top = id ? R"("framework_id":{"value":")" + *id + R"("},)" : "";
    Call call =
        parse_ok("{" + top + R"("type":"SUBSCRIBE","subscribe":{"framework_info":{)" + idjson +
                 R"("user":"u","name":"n","roles":["r"],"failover_timeout":10,)"
                 R"("capabilities":[{"type":"MULTI_ROLE"},{"type":"PARTITION_AWARE"}]}}})");
    stream_ = master_->new_stream_id();
    master_->subscribe(call, stream_, now_);
    auto subscribed = sink_.take(stream_, "SUBSCRIBED");
    if (!subscribed.empty()) fw_ = subscribed[0]["subscribed"]["framework_id"]["value"].GetString();
    return stream_;
  }

  Reply call(const std::string& type, const std::string& sub = "") {
    Call c = parse_ok(R"({"type":")" + type + R"(","framework_id":{"value":")" + fw_ + R"("})" +
                      sub + "}");
    return master_->call(c, stream_, now_);
  }

  void advance(Millis ms) {
    for (Millis t = 0; t < ms; t += 5) {
      now_ += 5;
      master_->tick(now_);
    }
  }

  // The first offer of the next OFFERS event: {offer id, agent id}.
  std::pair<std::string, std::string> offer() {
    advance(20);
    auto offers = sink_.take(stream_, "OFFERS");
    if (offers.empty()) return {};
    const auto& o = offers[0]["offers"]["offers"][0];
    return {o["id"]["value"].GetString(), o["agent_id"]["value"].GetString()};
  }

  std::string launch(const std::string& offer_id, const std::string& agent, const std::string& task,
                     double cpus = 1, const std::string& filters = "") {
    return R"(,"accept":{"offer_ids":[{"value":")" + offer_id +
           R"("}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"x",)"
           R"("task_id":{"value":")" +
           task + R"("},"agent_id":{"value":")" + agent +
           R"("},"command":{"value":"true"},"resources":[{"name":"cpus","type":"SCALAR",)"
           R"("scalar":{"value":)" +
           std::to_string(cpus) + "}}]}]}}]" + filters + "}";
  }

  std::vector<std::string> states(const std::string& type = "UPDATE") {
    std::vector<std::string> out;
    for (auto& doc : sink_.take(stream_, type)) {
      out.push_back(doc["update"]["status"]["state"].GetString());
    }
    return out;
  }

  Config config_;
  RecordingSink sink_;
  Journal journal_{""};
  Millis now_ = 1000;
  std::unique_ptr<Master> master_;
  std::string stream_, fw_;
};

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
  advance(20);
  auto offers = sink_.take(stream_, "OFFERS");
  ASSERT_EQ(offers[0]["offers"]["offers"].Size(), 2u);
  std::string a = offers[0]["offers"]["offers"][0]["id"]["value"].GetString();
  std::string b = offers[0]["offers"]["offers"][1]["id"]["value"].GetString();
  std::string agent = offers[0]["offers"]["offers"][0]["agent_id"]["value"].GetString();
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
