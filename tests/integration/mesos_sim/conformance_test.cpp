// Conformance over real HTTP, against the emulator and (the *_real_test binary) a real master:
// the header and status-code rows of spec A.14 with the master's own error sentences, the exact
// framing of the SUBSCRIBE stream (chunked, no Content-Length, RecordIO "<len>\n<json>"),
// UPDATE_FRAMEWORK and HTTP framework authentication (B.6).

#include <gtest/gtest.h>

#include "master_under_test.h"

namespace mesos_sim::test {
namespace {

const std::string kPath = "/api/v1/scheduler";
const std::string kConvert = "Failed to convert JSON into Call protobuf: ";
const std::string kValidate = "Failed to validate scheduler::Call: ";
const MasterSpec kStrict{.sim_flags = {"--strict", "--heartbeat_interval_s=0.5"}};

std::string call_of(const std::string& type, const std::string& framework_id,
                    const std::string& extra = "") {
  return R"({"type":")" + type + R"(","framework_id":{"value":")" + framework_id + R"("})" + extra +
         "}";
}

// An error answer: its status, and the master's sentence as text/plain.
void expect_error(const Response& r, int status, const std::string& body) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");
}

using Conformance = MasterTest;
MESOS_SIM_INSTANTIATE(Conformance);

TEST_P(Conformance, MethodAndContentTypeRows) {
  uint16_t port = master(kStrict).port();
  Connection get(port);
  Response r = get.call("GET", kPath, {}, "");
  expect_error(r, 405, "405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'.");
  EXPECT_EQ(r.header("allow"), "POST");
  expect_error(post(port, subscribe_call(std::nullopt), {}), 400,
               "Expecting 'Content-Type' to be present");
  const std::string unsupported =
      "Expecting 'Content-Type' of application/json or application/x-protobuf";
  expect_error(post(port, subscribe_call(std::nullopt), {{"Content-Type", "text/plain"}}), 415,
               unsupported);
  expect_error(post(port, subscribe_call(std::nullopt),
                    {{"Content-Type", "application/json; charset=utf-8"}}),
               415, unsupported);  // the master's exact comparison (--strict)
  // A JSON body sent as protobuf: the master fails to decode it (400); the JSON-only emulator
  // refuses the type (415). See the README's "Differences from the real master".
  EXPECT_EQ(
      post(port, subscribe_call(std::nullopt), {{"Content-Type", "application/x-protobuf"}}).status,
      real() ? 400 : 415);
  Response garbage = post(port, "{not json", json_headers());
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.body.rfind("Failed to parse body into JSON: ", 0), 0u) << garbage.body;
  expect_error(post(port, R"({"type":"NO_SUCH_TYPE"})", json_headers()), 400,
               kValidate + "Expecting 'type' to be present");
  // Safe on a real master only because it stops at the missing framework_id (see NonSubscribe).
  expect_error(post(port, R"({"type":"UNKNOWN"})", json_headers()), 400,
               kValidate + "Expecting 'framework_id' to be present");
}

TEST_P(Conformance, SubscribeHeaderRows) {
  uint16_t port = master(kStrict).port();
  expect_error(post(port, subscribe_call(std::nullopt), json_headers("some-stream")), 400,
               "Subscribe calls should not include the 'Mesos-Stream-Id' header");
  Headers html = json_headers();
  html.emplace_back("Accept", "text/html");
  expect_error(post(port, subscribe_call(std::nullopt), html), 406,
               "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'");
  std::string mismatch = R"({"type":"SUBSCRIBE","framework_id":{"value":"x"},)"
                         R"("subscribe":{"framework_info":)" +
                         framework_info(std::nullopt) + "}}";
  expect_error(post(port, mismatch, json_headers()), 400,
               kValidate + "'framework_id' differs from 'subscribe.framework_info.id'");
  std::string bare = R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n",)"
                     R"("id":"x"}}})";
  expect_error(post(port, bare, json_headers()), 400,
               kConvert + "Not expecting a JSON string for field 'id'");
  std::string missing = R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"name":"n"}}})";
  expect_error(post(port, missing, json_headers()), 400,
               kConvert + "Missing required fields: subscribe.framework_info.user");
  expect_error(post(port, R"({"type":"SUBSCRIBE"})", json_headers()), 400,
               kValidate + "Expecting 'subscribe' to be present");
}

TEST_P(Conformance, ConversionErrorsNameTheField) {
  // Converted before the framework is looked up: any framework id will do.
  uint16_t port = master(kStrict).port();
  std::string accept = call_of(
      "ACCEPT", "nobody",
      R"(,"accept":{"offer_ids":[{"value":"o"}],"operations":[{"type":"LAUNCH",)"
      R"("launch":{"task_infos":[{"task_id":{"value":"t"},"resources":[{"name":"cpus"}]}]}}]})");
  expect_error(post(port, accept, json_headers("s")), 400,
               kConvert +
                   "Missing required fields: accept.operations[0].launch.task_infos[0].name, "
                   "accept.operations[0].launch.task_infos[0].agent_id, "
                   "accept.operations[0].launch.task_infos[0].resources[0].type");
  expect_error(post(port, call_of("KILL", "nobody", R"(,"kill":{})"), json_headers("s")), 400,
               kConvert + "Missing required fields: kill.task_id");
  expect_error(post(port, R"({"type":"REVIVE","framework_id":"x"})", json_headers("s")), 400,
               kConvert + "Not expecting a JSON string for field 'framework_id'");
  expect_error(post(port, R"({"type":5})", json_headers("s")), 400,
               kConvert + "Not expecting a JSON number for field 'type'");
  expect_error(post(port, "[1]", json_headers("s")), 400, kConvert + "Expecting a JSON object");
  expect_error(post(port, call_of("KILL", "nobody"), json_headers("s")), 400,
               kValidate + "Expecting 'kill' to be present");
}

TEST_P(Conformance, NonSubscribeRows) {
  uint16_t port = master(kStrict).port();
  expect_error(post(port, call_of("REVIVE", "nobody"), json_headers("s")), 400,
               "Framework cannot be found");
  Subscriber sub(port);
  ASSERT_EQ(sub.head().status, 200);
  const std::string& id = sub.framework_id();
  expect_error(post(port, call_of("REVIVE", id), json_headers()), 400,
               "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
  expect_error(post(port, call_of("REVIVE", id), json_headers("stale")), 400,
               "The stream ID 'stale' included in this request didn't match the stream ID "
               "currently associated with framework ID " +
                   id);
  Response accepted = sub.call(call_of("REVIVE", id));
  EXPECT_EQ(accepted.status, 202);
  EXPECT_EQ(accepted.body, "");  // nothing else: the outcome comes as events
  EXPECT_EQ(accepted.header("content-type"), "");
  EXPECT_EQ(sub.call(call_of("SUPPRESS", id)).status, 202);  // sub-message optional
  expect_error(sub.call(call_of("KILL", id)), 400, kValidate + "Expecting 'kill' to be present");
  // A Call of type UNKNOWN crashes a real Mesos 1.12 master (A.17): emulator only.
  if (!real()) {
    EXPECT_EQ(sub.call(call_of("UNKNOWN", id)).status, 501);
  }
  expect_error(sub.call(call_of("ACKNOWLEDGE", id,
                                R"(,"acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":)"
                                R"("t"},"uuid":"bm90LWEtdXVpZA=="})")),
               400, kValidate + "Not a valid UUID");  // 16 bytes or nothing
  // The official library's path works too.
  EXPECT_EQ(
      post(port, call_of("REVIVE", id), json_headers(sub.stream_id()), "/master" + kPath).status,
      202);
}

TEST_P(Conformance, UpdateFrameworkIsSynchronous) {
  uint16_t port = master(kStrict).port();
  Subscriber sub(port);
  ASSERT_EQ(sub.head().status, 200);
  std::string info = framework_info(sub.framework_id());
  Response ok = sub.call(call_of("UPDATE_FRAMEWORK", sub.framework_id(),
                                 R"(,"update_framework":{"framework_info":)" + info + "}"));
  EXPECT_EQ(ok.status, 200);  // not 202: it is done when the answer comes
  EXPECT_EQ(ok.body, "");
  expect_error(sub.call(call_of(
                   "UPDATE_FRAMEWORK", sub.framework_id(),
                   R"(,"update_framework":{"framework_info":)" + framework_info("other") + "}")),
               400, kValidate + "'framework_id' differs from 'update_framework.framework_info.id'");
}

TEST_P(Conformance, SubscribeStreamFramingIsChunkedRecordIO) {
  Subscriber sub(master(kStrict).port());
  const Response& head = sub.head();
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.header("transfer-encoding"), "chunked");
  EXPECT_EQ(head.header("content-length"), "");
  EXPECT_EQ(head.header("content-type"), "application/json");
  EXPECT_FALSE(sub.stream_id().empty());
  EXPECT_FALSE(sub.framework_id().empty());
  if (real()) {
    // The first HEARTBEAT comes soon after SUBSCRIBED, but an OFFERS event may come first: the
    // master's heartbeater is a process of its own.
    EXPECT_TRUE(sub.next("HEARTBEAT", 2s));
  } else {
    auto heartbeat = sub.next_raw();
    ASSERT_TRUE(heartbeat);
    EXPECT_EQ(*heartbeat, R"({"type":"HEARTBEAT"})");  // right after SUBSCRIBED
  }
  if (!real()) {
    // Periodic heartbeats at the configured 0.5 s (a real master's 15 s cost too much here).
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(sub.next("HEARTBEAT", 3s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  }
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
  EXPECT_GE(records, real() ? 2u : 3u);
  auto subscribed = parse(body.substr(body.find('\n') + 1, std::stoul(body)));
  EXPECT_STREQ(subscribed["type"].GetString(), "SUBSCRIBED");
  EXPECT_EQ(subscribed["subscribed"]["heartbeat_interval_seconds"].GetDouble(),
            real() ? 15.0 : 0.5);
  const auto& info = subscribed["subscribed"]["master_info"];
  for (const char* field : {"id", "ip", "port", "pid", "hostname", "version", "address"}) {
    EXPECT_TRUE(info.HasMember(field)) << field;
  }
  EXPECT_STREQ(info["version"].GetString(), "1.12.0");
  EXPECT_EQ(info["capabilities"].Size(), 3u);  // AGENT_UPDATE, AGENT_DRAINING, QUOTA_V2
}

// HTTP framework authentication (B.6): the master's --credentials on both.
class Authentication : public MasterTest {
 protected:
  uint16_t port() {
    return master({.credentials = {{"sched", "pw"}, {"other", "s2"}, {"c", "a:b"}}}).port();
  }
};
MESOS_SIM_INSTANTIATE(Authentication);

TEST_P(Authentication, WrongOrMissingCredentialsGet401) {
  uint16_t p = port();
  auto with = [](const std::string& authorization) {
    Headers headers = json_headers();
    headers.emplace_back("Authorization", authorization);
    return headers;
  };
  for (const Headers& headers :
       {json_headers(), with("basic " + basic_authorization("sched", "pw").substr(6)),
        with(basic_authorization("sched", "nope")), with(basic_authorization("nobody", "pw")),
        with(basic_authorization("c", "a:b")), with("Basic !!!")}) {
    Response r = post(p, subscribe_call(std::nullopt), headers);
    expect_error(r, 401, "401 Unauthorized.");
    EXPECT_EQ(r.header("www-authenticate"), "Basic realm=\"mesos-master-scheduler\"");
  }
  // Before any other check: method and headers are not looked at.
  Connection get(p);
  EXPECT_EQ(get.call("GET", kPath, {}, "").status, 401);
  EXPECT_EQ(post(p, "{}", {}).status, 401);
}

TEST_P(Authentication, PrincipalIsFilledInAndMustMatch) {
  uint16_t p = port();
  Headers sched{{"Authorization", basic_authorization("sched", "pw")}};
  Headers other{{"Authorization", basic_authorization("other", "s2")}};
  std::string claims_other = R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":")" +
                             current_user() + R"(","name":"n","principal":"other"}}})";
  Headers headers = json_headers();
  headers.insert(headers.end(), sched.begin(), sched.end());
  expect_error(post(p, claims_other, headers), 400,
               kValidate +
                   "Authenticated principal 'sched' does not match principal 'other' set in "
                   "`FrameworkInfo`");
  Subscriber sub(p, std::nullopt, sched);  // no principal in FrameworkInfo: filled in
  ASSERT_EQ(sub.head().status, 200);
  ASSERT_FALSE(sub.framework_id().empty());
  std::string revive = call_of("REVIVE", sub.framework_id());
  EXPECT_EQ(sub.call(revive).status, 202);
  EXPECT_EQ(post(p, revive, json_headers(sub.stream_id())).status, 401);
  Headers as_other = json_headers(sub.stream_id());
  as_other.insert(as_other.end(), other.begin(), other.end());
  expect_error(post(p, revive, as_other), 400,
               "Authenticated principal 'other' does not match principal 'sched' set in "
               "`FrameworkInfo`");
  // Resubscribing as someone else fills in a different principal: refused on the stream.
  Subscriber thief(p, sub.framework_id(), other);
  EXPECT_EQ(thief.head().status, 200);
  auto error = thief.next("ERROR");
  ASSERT_TRUE(error);
  EXPECT_STREQ((*error)["error"]["message"].GetString(),
               "Changing framework's principal is not allowed.");
}

TEST(MesosSimConformance, LenientContentTypeByDefault) {
  Sim lenient({"--agents=1"});
  Connection c(lenient.port());
  c.send("POST", kPath, {{"Content-Type", "Application/JSON; charset=utf-8"}},
         subscribe_call(std::nullopt));
  EXPECT_EQ(c.read_head().status, 200);
}

TEST(MesosSimConformance, BadCredentialsFileIsABadFlag) {
  scale::test::TempDir dir("mesos-sim-credentials");
  write_credentials(dir.path(), {});
  Sim bad({"--credentials=" + (dir.path() / "credentials.json").string()}, false);
  int status = bad.process().wait(5s);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << bad.log();
}

}  // namespace
}  // namespace mesos_sim::test
