// Unit tests of the stateless parts: flag values, Call decoding/validation, header rules, base64,
// ZooKeeper member selection.

#include <gtest/gtest.h>

#include <vector>

#include "base64.h"
#include "call.h"
#include "config.h"
#include "framework_rules.h"
#include "request_rules.h"
#include "zk_registration.h"

namespace mesos_sim {
namespace {

TEST(Flags, ParseValuesAndRejectBadOnes) {
  std::string error;
  auto hp = parse_host_port("127.0.0.1:5050", &error);
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->port, 5050);
  EXPECT_FALSE(parse_host_port("127.0.0.1", &error));
  EXPECT_FALSE(parse_host_port("h:70000", &error));
  auto zk = parse_zk_url("zk://a:1,b:2/mesos", &error);
  ASSERT_TRUE(zk);
  EXPECT_EQ(zk->hosts, "a:1,b:2");
  EXPECT_EQ(zk->path, "/mesos");
  EXPECT_FALSE(parse_zk_url("http://a:1/mesos", &error));
  auto r = parse_resources("cpus:8;mem:32768;disk:100000;gpus:0", &error);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cpus, 8);
  EXPECT_FALSE(parse_resources("cpus:x", &error));
  EXPECT_FALSE(parse_resources("ports:1", &error));
  int lo = 0, hi = 0;
  EXPECT_TRUE(parse_task_ms("200-2000", &lo, &hi, &error));
  EXPECT_EQ(lo, 200);
  EXPECT_EQ(hi, 2000);
  EXPECT_FALSE(parse_task_ms("2000-200", &lo, &hi, &error));
}

TEST(Base64, RoundTripsAndRejectsGarbage) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  }
  EXPECT_EQ(base64_encode("abcd"), "YWJjZA==");
  EXPECT_FALSE(base64_decode("YWJjZA="));
  EXPECT_FALSE(base64_decode("YW*jZA=="));
}

TEST(CallParsing, ValidationErrorsAre400Messages) {
  auto bad = [](const std::string& json) { return !parse_call(json.data(), json.size()).call; };
  EXPECT_TRUE(bad("{"));
  EXPECT_TRUE(bad(R"({"type":"WHAT"})"));
  EXPECT_TRUE(bad(R"({"type":"REVIVE"})"));  // no framework_id
  EXPECT_TRUE(bad(R"({"type":"KILL","framework_id":{"value":"f"}})"));
  EXPECT_TRUE(bad(R"({"type":"KILL","framework_id":"f","kill":{"task_id":{"value":"t"}}})"));
  EXPECT_FALSE(bad(R"({"type":"SUPPRESS","framework_id":{"value":"f"}})"));
  EXPECT_FALSE(bad(R"({"type":"REVIVE","framework_id":{"value":"f"},"revive":{"role":"x"}})"));
  std::string revive = R"({"type":"REVIVE","framework_id":{"value":"f"},"revive":{"roles":["a"]}})";
  auto parsed = parse_call(revive.data(), revive.size());
  ASSERT_TRUE(parsed.call);
  EXPECT_EQ(parsed.call->roles, std::vector<std::string>{"a"});
}

TEST(RequestRules, OrderAndStrictness) {
  RequestHead head{"GET", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  const Call subscribe;
  EXPECT_EQ(check_before_body(head, true)->status, 405);
  head.method = "POST";
  EXPECT_EQ(check_before_body(head, true)->status, 400);
  head.content_type = "application/json; charset=utf-8";
  EXPECT_EQ(check_before_body(head, true)->status, 415);
  EXPECT_FALSE(check_before_body(head, false));
  head.content_type = "application/json";
  EXPECT_FALSE(check_before_body(head, true));
  head.accept = "application/x-protobuf";
  EXPECT_EQ(check_subscribe(head, subscribe)->status, 406);
  head.accept = "text/html, */*;q=0.1";
  EXPECT_FALSE(check_subscribe(head, subscribe));
  head.accept = "application/json;q=0";
  EXPECT_EQ(check_subscribe(head, subscribe)->status, 406);
  head.accept.reset();
  head.stream_id = "x";
  EXPECT_EQ(check_subscribe(head, subscribe)->status, 400);
}

TEST(ZooKeeperMembers, LowestJsonInfoSequenceLeads) {
  EXPECT_EQ(lowest_member({"log_replicas", "json.info_0000000012", "json.info_0000000003",
                           "info_0000000001"}),
            "json.info_0000000003");
  EXPECT_EQ(lowest_member({"log_replicas"}), "");
  EXPECT_EQ(leader_address(R"({"hostname":"m","port":1,"address":{"hostname":"m1","port":5050}})"),
            "m1:5050");
}

TEST(FrameworkRules, RolesCapabilitiesAndPrincipal) {
  FrameworkInfo info;
  info.multi_role = true;
  info.roles_set = true;
  info.roles = {"a", "b/c"};
  EXPECT_EQ(validate_framework_info(info, {"a"}, nullptr), "");
  EXPECT_NE(validate_framework_info(info, {"z"}, nullptr), "");
  info.roles = {"a", "a"};
  EXPECT_NE(validate_framework_info(info, {}, nullptr), "");
  info.roles = {"-x"};
  EXPECT_NE(validate_framework_info(info, {}, nullptr), "");
  info.roles = {"a"};
  info.role_set = true;
  EXPECT_NE(validate_framework_info(info, {}, nullptr), "");
  info.role_set = false;
  FrameworkInfo previous = info;
  previous.name = "n";
  previous.principal = "p";
  EXPECT_EQ(validate_framework_info(info, {}, &previous),
            "Changing framework's principal is not allowed.");
  EXPECT_TRUE(valid_role("*"));
  EXPECT_FALSE(valid_role("a//b"));
}

}  // namespace
}  // namespace mesos_sim
