// Events written by hand from the shapes in shared/mesos-v1-scheduler-api.md (A.6, A.7, A.15).
#include "scheduler/mesos/event_codec.h"

#include <gtest/gtest.h>

namespace scale::mesos {
namespace {

Event decode_ok(const std::string& json) {
  Event event;
  std::string error;
  EXPECT_TRUE(decode_event(json, &event, &error)) << error;
  return event;
}

TEST(EventCodec, Subscribed) {
  Event e = decode_ok(R"({"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"F-7"},
    "heartbeat_interval_seconds":15.0,
    "master_info":{"id":"m","ip":16777343,"port":5050,"pid":"master@10.0.0.1:5050","hostname":"m1",
      "version":"1.11.0","address":{"hostname":"m1","ip":"10.0.0.1","port":5050}}}})");
  EXPECT_EQ(e.type, EventType::Subscribed);
  EXPECT_EQ(e.subscribed.framework_id, "F-7");
  EXPECT_DOUBLE_EQ(e.subscribed.heartbeat_interval_seconds, 15.0);
  ASSERT_TRUE(e.subscribed.master.has_value());
  EXPECT_EQ(e.subscribed.master->hostname, "m1");
  EXPECT_EQ(e.subscribed.master->ip, "10.0.0.1");
  EXPECT_EQ(e.subscribed.master->port, 5050);
}

TEST(EventCodec, OffersAsInTheSpec) {
  Event e = decode_ok(R"json({"type":"OFFERS","offers":{"offers":[
    {"id":{"value":"O-1"},"framework_id":{"value":"F"},"agent_id":{"value":"S1"},"hostname":"agent1",
     "url":{"scheme":"http","address":{"hostname":"agent1","ip":"10.0.0.5","port":5051},"path":"/slave(1)"},
     "allocation_info":{"role":"sched-role"},
     "resources":[ {"name":"cpus","type":"SCALAR","scalar":{"value":4},"allocation_info":{"role":"sched-role"}},
                   {"name":"mem","type":"SCALAR","scalar":{"value":8192}},
                   {"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]}} ],
     "attributes":[{"name":"rack","type":"TEXT","text":{"value":"r1"}}],
     "executor_ids":[{"value":"e1"}]}]}})json");
  ASSERT_EQ(e.type, EventType::Offers);
  ASSERT_EQ(e.offers.size(), 1u);
  const Offer& o = e.offers[0];
  EXPECT_EQ(o.id, "O-1");
  EXPECT_EQ(o.framework_id, "F");
  EXPECT_EQ(o.agent_id, "S1");
  EXPECT_EQ(o.hostname, "agent1");
  EXPECT_EQ(o.allocation_role, "sched-role");
  ASSERT_EQ(o.resources.size(), 3u);
  EXPECT_EQ(o.resources[0].name, "cpus");
  EXPECT_EQ(o.resources[0].type, "SCALAR");
  EXPECT_DOUBLE_EQ(o.resources[0].scalar, 4);
  EXPECT_EQ(o.resources[0].allocation_role, "sched-role");
  EXPECT_DOUBLE_EQ(o.resources[1].scalar, 8192);
  ASSERT_EQ(o.resources[2].ranges.size(), 1u);
  EXPECT_EQ(o.resources[2].ranges[0], (std::pair<uint64_t, uint64_t>{31000, 32000}));
  ASSERT_EQ(o.text_attributes.size(), 1u);
  EXPECT_EQ(o.text_attributes[0], (std::pair<std::string, std::string>{"rack", "r1"}));
}

TEST(EventCodec, UpdateWithUuid) {
  Event e = decode_ok(R"({"type":"UPDATE","update":{"status":
    {"task_id":{"value":"job-42.7f3c"},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR",
     "message":"running","agent_id":{"value":"S1"},"executor_id":{"value":"ex"},
     "timestamp":1724400000.123,"uuid":"3q2+7wAAAAAAAAAAAAAAAA==","healthy":true,
     "container_status":{"network_infos":[{"ip_addresses":[{"ip_address":"10.1.2.3"}]}]}}}})");
  ASSERT_EQ(e.type, EventType::Update);
  EXPECT_EQ(e.status.task_id, "job-42.7f3c");
  EXPECT_EQ(e.status.state, "TASK_RUNNING");
  EXPECT_EQ(e.status.source, "SOURCE_EXECUTOR");
  EXPECT_EQ(e.status.agent_id, "S1");
  EXPECT_EQ(e.status.executor_id, "ex");
  EXPECT_DOUBLE_EQ(e.status.timestamp, 1724400000.123);
  EXPECT_EQ(e.status.uuid, std::optional<std::string>("3q2+7wAAAAAAAAAAAAAAAA=="));
  EXPECT_EQ(e.status.healthy, std::optional<bool>(true));
}

// PARTITION_AWARE (spec B.4): when the master marked the agent unreachable, as a number or as
// the string proto3 JSON writes for an int64.
TEST(EventCodec, UnreachableUpdateCarriesUnreachableTime) {
  Event e = decode_ok(R"({"type":"UPDATE","update":{"status":{"task_id":{"value":"t"},
    "state":"TASK_UNREACHABLE","source":"SOURCE_MASTER","reason":"REASON_AGENT_REMOVED",
    "agent_id":{"value":"S1"},"timestamp":1724400100.0,
    "unreachable_time":{"nanoseconds":1724400000500000000}}}})");
  EXPECT_NEAR(e.status.unreachable_time, 1724400000.5, 1e-3);
  Event s = decode_ok(R"({"type":"UPDATE","update":{"status":{"task_id":{"value":"t"},
    "state":"TASK_UNREACHABLE","unreachable_time":{"nanoseconds":"1724400000000000000"}}}})");
  EXPECT_NEAR(s.status.unreachable_time, 1724400000.0, 1e-3);
  Event none = decode_ok(R"({"type":"UPDATE","update":{"status":{"task_id":{"value":"t"},
    "state":"TASK_RUNNING"}}})");
  EXPECT_EQ(none.status.unreachable_time, 0);
}

TEST(EventCodec, ReconciliationUpdateHasNoUuid) {
  Event e = decode_ok(R"({"type":"UPDATE","update":{"status":{"task_id":{"value":"t"},
    "state":"TASK_LOST","source":"SOURCE_MASTER","reason":"REASON_RECONCILIATION",
    "message":"Reconciliation: Latest task state","agent_id":{"value":"S1"},"timestamp":1.0}}})");
  EXPECT_EQ(e.status.reason, "REASON_RECONCILIATION");
  EXPECT_FALSE(e.status.uuid.has_value());
  EXPECT_TRUE(is_terminal_task_state(e.status.state));
}

TEST(EventCodec, ErrorUsesTheErrorObjectNotTheDocShape) {
  Event e = decode_ok(R"({"type":"ERROR","error":{"message":"Framework failed over"}})");
  EXPECT_EQ(e.type, EventType::Error);
  EXPECT_EQ(e.error_message, "Framework failed over");
  Event doc_shape;
  std::string error;
  EXPECT_FALSE(decode_event(R"({"type":"ERROR","message":"x"})", &doc_shape, &error));
}

TEST(EventCodec, RescindHeartbeatMessageFailure) {
  EXPECT_EQ(
      decode_ok(R"({"type":"RESCIND","rescind":{"offer_id":{"value":"O-9"}}})").rescinded_offer_id,
      "O-9");
  EXPECT_EQ(decode_ok(R"({"type":"HEARTBEAT"})").type, EventType::Heartbeat);
  Event m = decode_ok(R"({"type":"MESSAGE","message":{"agent_id":{"value":"S1"},
    "executor_id":{"value":"E1"},"data":"aGVsbG8="}})");
  EXPECT_EQ(m.message.agent_id, "S1");
  EXPECT_EQ(m.message.executor_id, "E1");
  EXPECT_EQ(m.message.data, "aGVsbG8=");
  Event f = decode_ok(R"({"type":"FAILURE","failure":{"agent_id":{"value":"S2"},"status":256}})");
  EXPECT_EQ(f.failure.agent_id, "S2");
  EXPECT_EQ(f.failure.status, std::optional<int>(256));
  EXPECT_EQ(decode_ok(R"({"type":"FAILURE","failure":{"agent_id":{"value":"S3"}}})").failure.status,
            std::nullopt);
}

TEST(EventCodec, InverseOffersAndRescindInverseOffer) {
  Event i = decode_ok(R"({"type":"INVERSE_OFFERS","inverse_offers":{"inverse_offers":[
    {"id":{"value":"I-1"},"framework_id":{"value":"F"},"unavailability":{"start":{"nanoseconds":1}}}]}})");
  EXPECT_EQ(i.inverse_offer_ids, std::vector<std::string>{"I-1"});
  EXPECT_EQ(decode_ok(R"({"type":"RESCIND_INVERSE_OFFER",
    "rescind_inverse_offer":{"inverse_offer_id":{"value":"I-1"}}})")
                .rescinded_offer_id,
            "I-1");
}

TEST(EventCodec, UnknownTypeAndKeysAreIgnored) {
  Event e = decode_ok(R"({"type":"SOMETHING_NEW","something_new":{"x":1},"extra":true})");
  EXPECT_EQ(e.type, EventType::Unknown);
  EXPECT_EQ(e.type_name, "SOMETHING_NEW");
}

TEST(EventCodec, MalformedEventsAreErrors) {
  for (const char* json :
       {"", "not json", "[1,2]", R"({"no_type":1})", R"({"type":7})", R"({"type":"OFFERS"})",
        R"({"type":"UPDATE","update":{"status":{}}})",
        R"({"type":"SUBSCRIBED","subscribed":{"heartbeat_interval_seconds":15}})"}) {
    Event event;
    std::string error;
    EXPECT_FALSE(decode_event(json, &event, &error)) << json;
    EXPECT_FALSE(error.empty()) << json;
  }
}

TEST(EventCodec, TerminalStatesMatchMesos) {
  for (const char* s : {"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR",
                        "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR"}) {
    EXPECT_TRUE(is_terminal_task_state(s)) << s;
  }
  for (const char* s : {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING",
                        "TASK_UNREACHABLE", "TASK_UNKNOWN"}) {
    EXPECT_FALSE(is_terminal_task_state(s)) << s;
  }
}

// Found by the fuzzer (tests/fuzz): deep nesting, infinite and out-of-range numbers.
TEST(EventCodec, DeepNestingIsAnErrorNotAStackOverflow) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  Event event;
  std::string error;
  EXPECT_FALSE(decode_event(deep, &event, &error));
}

TEST(EventCodec, InfiniteAndOutOfRangeNumbersFallBack) {
  Event e = decode_ok(R"({"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"F"},
    "heartbeat_interval_seconds":15.01e308,
    "master_info":{"id":"m","ip":1,"port":1e12,"hostname":"m1"}}})");
  EXPECT_DOUBLE_EQ(e.subscribed.heartbeat_interval_seconds, 0);
  EXPECT_FALSE(e.subscribed.master.has_value());  // no usable port
}

}  // namespace
}  // namespace scale::mesos
