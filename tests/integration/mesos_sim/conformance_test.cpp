// Emulator conformance over real HTTP: the header and status-code rows of spec A.14, and the
// exact framing of the SUBSCRIBE stream (chunked, no Content-Length, RecordIO "<len>\n<json>").

#include <gtest/gtest.h>

#include "sim_fixture.h"

namespace mesos_sim::test {
namespace {

const std::string kPath = "/api/v1/scheduler";

class Conformance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    strict_ = new Sim({"--strict", "--agents=2", "--heartbeat_interval_s=0.5"});
  }
  static void TearDownTestSuite() {
    delete strict_;
    strict_ = nullptr;
  }
  static Sim* strict_;
};
Sim* Conformance::strict_ = nullptr;

std::string call_of(const std::string& type, const std::string& framework_id,
                    const std::string& extra = "") {
  return R"({"type":")" + type + R"(","framework_id":{"value":")" + framework_id + R"("})" + extra +
         "}";
}

TEST_F(Conformance, MethodAndContentTypeRows) {
  uint16_t port = strict_->port();
  Connection get(port);
  Response r = get.call("GET", kPath, {}, "");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "POST");
  EXPECT_EQ(post(port, subscribe_call(std::nullopt), {}).status, 400);  // no Content-Type
  EXPECT_EQ(post(port, subscribe_call(std::nullopt), {{"Content-Type", "text/plain"}}).status, 415);
  EXPECT_EQ(post(port, subscribe_call(std::nullopt),
                 {{"Content-Type", "application/json; charset=utf-8"}})
                .status,
            415);  // --strict: the master's exact comparison
  EXPECT_EQ(
      post(port, subscribe_call(std::nullopt), {{"Content-Type", "application/x-protobuf"}}).status,
      415);  // JSON-only emulator
  EXPECT_EQ(post(port, "{not json", json_headers()).status, 400);
  EXPECT_EQ(post(port, R"({"type":"NO_SUCH_TYPE"})", json_headers()).status, 400);
  EXPECT_EQ(post(port, R"({"type":"UNKNOWN"})", json_headers()).status, 400);  // no framework_id
}

TEST_F(Conformance, SubscribeHeaderRows) {
  uint16_t port = strict_->port();
  EXPECT_EQ(post(port, subscribe_call(std::nullopt), json_headers("some-stream")).status, 400);
  Headers html = json_headers();
  html.emplace_back("Accept", "text/html");
  EXPECT_EQ(post(port, subscribe_call(std::nullopt), html).status, 406);
  // framework_id set at the top level only.
  std::string mismatch = R"({"type":"SUBSCRIBE","framework_id":{"value":"x"},)"
                         R"("subscribe":{"framework_info":)" +
                         framework_info(std::nullopt) + "}}";
  EXPECT_EQ(post(port, mismatch, json_headers()).status, 400);
  // A bare string where an id object is expected.
  std::string bare = R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n",)"
                     R"("id":"x"}}})";
  EXPECT_EQ(post(port, bare, json_headers()).status, 400);
  // Missing required FrameworkInfo fields.
  std::string missing = R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"name":"n"}}})";
  EXPECT_EQ(post(port, missing, json_headers()).status, 400);
}

TEST_F(Conformance, NonSubscribeRows) {
  uint16_t port = strict_->port();
  EXPECT_EQ(post(port, call_of("REVIVE", "nobody"), json_headers("s")).status, 400);
  EXPECT_EQ(post(port, R"({"type":"REVIVE"})", json_headers("s")).status, 400);  // no framework_id
  Subscriber sub(port);
  ASSERT_EQ(sub.head().status, 200);
  const std::string& id = sub.framework_id();
  EXPECT_EQ(post(port, call_of("REVIVE", id), json_headers()).status, 400);  // no stream id
  EXPECT_EQ(post(port, call_of("REVIVE", id), json_headers("stale")).status, 400);
  EXPECT_EQ(sub.call(call_of("REVIVE", id)).status, 202);
  EXPECT_EQ(sub.call(call_of("SUPPRESS", id)).status, 202);  // sub-message optional
  EXPECT_EQ(sub.call(call_of("KILL", id)).status, 400);      // sub-message required
  EXPECT_EQ(sub.call(call_of("UNKNOWN", id)).status, 501);
  EXPECT_EQ(sub.call(call_of("ACKNOWLEDGE", id,
                             R"(,"acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},)"
                             R"("uuid":"bm90LWEtdXVpZA=="})"))
                .status,
            400);  // not 16 bytes
  // The official library's path works too.
  EXPECT_EQ(
      post(port, call_of("REVIVE", id), json_headers(sub.stream_id()), "/master/api/v1/scheduler")
          .status,
      202);
}

TEST_F(Conformance, LenientContentTypeByDefault) {
  Sim lenient({"--agents=1"});
  Connection c(lenient.port());
  c.send("POST", kPath, {{"Content-Type", "Application/JSON; charset=utf-8"}},
         subscribe_call(std::nullopt));
  EXPECT_EQ(c.read_head().status, 200);
}

TEST_F(Conformance, SubscribeStreamFramingIsChunkedRecordIO) {
  Subscriber sub(strict_->port());
  const Response& head = sub.head();
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.header("transfer-encoding"), "chunked");
  EXPECT_EQ(head.header("content-length"), "");
  EXPECT_EQ(head.header("content-type"), "application/json");
  EXPECT_FALSE(sub.stream_id().empty());
  EXPECT_FALSE(sub.framework_id().empty());
  auto heartbeat = sub.next_raw();
  ASSERT_TRUE(heartbeat);
  EXPECT_EQ(*heartbeat, R"({"type":"HEARTBEAT"})");  // right after SUBSCRIBED
  // Periodic heartbeats at the configured 0.5 s.
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(sub.next("HEARTBEAT", 3s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  // Re-frame the raw chunked bytes: the de-chunked body must be exactly a sequence of
  // "<len>\n<json>" with no delimiter after the data.
  std::string body, raw = sub.connection().raw_body();
  for (size_t pos = 0; pos < raw.size();) {
    size_t eol = raw.find("\r\n", pos);
    ASSERT_NE(eol, std::string::npos);
    size_t size = std::stoul(raw.substr(pos, eol - pos), nullptr, 16);
    body += raw.substr(eol + 2, size);
    ASSERT_EQ(raw.substr(eol + 2 + size, 2), "\r\n");
    pos = eol + 2 + size + 2;
  }
  size_t records = 0;
  for (size_t pos = 0; pos < body.size(); ++records) {
    size_t eol = body.find('\n', pos);
    ASSERT_NE(eol, std::string::npos);
    size_t length = std::stoul(body.substr(pos, eol - pos));
    ASSERT_GT(length, 0u);
    std::string record = body.substr(eol + 1, length);
    ASSERT_EQ(record.size(), length);
    EXPECT_EQ(record.front(), '{');
    EXPECT_EQ(record.back(), '}');
    pos = eol + 1 + length;
  }
  EXPECT_GE(records, 3u);
  auto subscribed = parse(body.substr(body.find('\n') + 1, std::stoul(body)));
  EXPECT_STREQ(subscribed["type"].GetString(), "SUBSCRIBED");
  EXPECT_EQ(subscribed["subscribed"]["heartbeat_interval_seconds"].GetDouble(), 0.5);
  EXPECT_TRUE(subscribed["subscribed"]["master_info"]["address"].IsObject());
}

}  // namespace
}  // namespace mesos_sim::test
