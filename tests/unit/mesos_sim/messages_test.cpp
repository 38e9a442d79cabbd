// The real master's words for the stateless refusals (HTTP 400/401/405/406 bodies, ERROR event
// messages for FrameworkInfo), and HTTP framework authentication (--credentials).

#include <gtest/gtest.h>

#include <string>

#include "auth.h"
#include "base64.h"
#include "call.h"
#include "framework_rules.h"
#include "request_rules.h"

namespace mesos_sim {
namespace {

std::string error_of(const std::string& json) {
  ParsedCall parsed = parse_call(json.data(), json.size());
  return parsed.call ? "" : parsed.error;
}

const std::string kConvert = "Failed to convert JSON into Call protobuf: ";
const std::string kValidate = "Failed to validate scheduler::Call: ";

TEST(CallMessages, ConversionErrorsNameTheField) {
  EXPECT_EQ(error_of("[1]"), kConvert + "Expecting a JSON object");
  EXPECT_EQ(error_of("{not json").rfind("Failed to parse body into JSON: ", 0), 0u);
  EXPECT_EQ(error_of(R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u",)"
                     R"("name":"n","id":"x"}}})"),
            kConvert + "Not expecting a JSON string for field 'id'");
  EXPECT_EQ(error_of(R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{}}})"),
            kConvert +
                "Missing required fields: subscribe.framework_info.user, "
                "subscribe.framework_info.name");
  EXPECT_EQ(error_of(R"({"type":5})"), kConvert + "Not expecting a JSON number for field 'type'");
  EXPECT_EQ(error_of(R"({"type":"ACKNOWLEDGE","framework_id":{"value":"f"},)"
                     R"("acknowledge":{"task_id":{"value":"t"}}})"),
            kConvert + "Missing required fields: acknowledge.agent_id, acknowledge.uuid");
  EXPECT_EQ(error_of(R"({"type":"ACCEPT","framework_id":{"value":"f"},"accept":{"offer_ids":[)"
                     R"({"value":"o"}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[)"
                     R"({"task_id":{"value":"t"},"resources":[{"name":"cpus"}]}]}}]}})"),
            kConvert +
                "Missing required fields: accept.operations[0].launch.task_infos[0].name, "
                "accept.operations[0].launch.task_infos[0].agent_id, "
                "accept.operations[0].launch.task_infos[0].resources[0].type");
  EXPECT_EQ(error_of(R"({"type":"DECLINE","framework_id":{"value":"f"},"decline":{)"
                     R"("offer_ids":[],"filters":{"refuse_seconds":"x"}}})"),
            kConvert + "Failed to parse 'x' as a JSON number for field 'refuse_seconds'");
  EXPECT_EQ(error_of(R"({"type":"RECONCILE","framework_id":{"value":"f"},)"
                     R"("reconcile":{"tasks":[{}]}})"),
            kConvert + "Missing required fields: reconcile.tasks[0].task_id");
}

TEST(CallMessages, ValidationComesAfterConversion) {
  EXPECT_EQ(error_of(R"({"type":"NO_SUCH_TYPE"})"), kValidate + "Expecting 'type' to be present");
  EXPECT_EQ(error_of(R"({"type":"KILL"})"), kValidate + "Expecting 'framework_id' to be present");
  EXPECT_EQ(error_of(R"({"type":"KILL","framework_id":{"value":"f"}})"),
            kValidate + "Expecting 'kill' to be present");
  EXPECT_EQ(error_of(R"({"type":"KILL","framework_id":{"value":"f"},"kill":{}})"),
            kConvert + "Missing required fields: kill.task_id");
  EXPECT_EQ(error_of(R"({"type":"UPDATE_FRAMEWORK","framework_id":{"value":"f"},)"
                     R"("update_framework":{"framework_info":{"user":"u","name":"n"}}})"),
            kValidate + "'framework_id' differs from 'update_framework.framework_info.id'");
  // Leniencies of the converter: a numeric string for a number, one string for a repeated one.
  std::string lenient = R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u",)"
                        R"("name":"n","failover_timeout":"60","roles":"r"}}})";
  ParsedCall parsed = parse_call(lenient.data(), lenient.size());
  ASSERT_TRUE(parsed.call) << parsed.error;
  EXPECT_EQ(parsed.call->framework_info.failover_timeout, 60);
  EXPECT_EQ(parsed.call->framework_info.roles, std::vector<std::string>{"r"});
}

TEST(FrameworkMessages, RolesAsTheMasterWordsThem) {
  FrameworkInfo info;
  info.multi_role = info.roles_set = true;
  auto error = [&](std::vector<std::string> roles, std::vector<std::string> suppressed = {}) {
    info.roles = std::move(roles);
    return validate_framework_info(info, suppressed, nullptr);
  };
  EXPECT_EQ(error({"b", "a", "b", "a"}),
            "'FrameworkInfo.roles' contains duplicate items: { a, b }");
  EXPECT_EQ(error({"a//b"}),
            "'FrameworkInfo.roles' contains invalid role: Role 'a//b' cannot contain two adjacent "
            "slashes");
  EXPECT_EQ(error({"-x"}),
            "'FrameworkInfo.roles' contains invalid role: Role component '-x' is invalid because "
            "it starts with a dash");
  EXPECT_EQ(error({"a", "a\\b", ".a"}), "");  // a backslash is allowed
  EXPECT_EQ(error({"a"}, {"y", "x"}),
            "Suppressed roles { x, y } are not contained in the set of roles");
  EXPECT_EQ(role_error("a/*"), "Role 'a/*' cannot include '*' as a component");
  EXPECT_EQ(role_error("a b"),
            "Role component 'a b' is invalid because it contains backspace or whitespace");
  EXPECT_EQ(role_error(""), "Role names cannot be the empty string");
  info.roles_set = false;
  info.role_set = true;
  EXPECT_EQ(error({"a"}),
            "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable");
  info.multi_role = false;
  EXPECT_EQ(error({"-x"}),
            "'FrameworkInfo.role' is not a valid role: Role component '-x' is invalid because it "
            "starts with a dash");
  info.roles_set = true;
  EXPECT_EQ(error({"a"}),
            "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable");
}

TEST(RequestMessages, HeaderRefusalsAndPrincipal) {
  RequestHead head{"GET", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  EXPECT_EQ(check_before_body(head, true)->body,
            "405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'.");
  head.method = "POST";
  head.accept = "text/html";
  Call subscribe;
  EXPECT_EQ(check_subscribe(head, subscribe)->body,
            "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'");
  head.accept.reset();
  head.principal = "sched";
  subscribe.framework_info.principal = "other";
  subscribe.framework_info.principal_set = true;
  EXPECT_EQ(check_subscribe(head, subscribe)->body,
            "Failed to validate scheduler::Call: Authenticated principal 'sched' does not match "
            "principal 'other' set in `FrameworkInfo`");
  subscribe.framework_info.principal_set = false;  // filled in by the master instead
  EXPECT_FALSE(check_subscribe(head, subscribe));
}

TEST(Authentication, BasicAgainstTheCredentialsFile) {
  std::string error;
  auto credentials = parse_credentials(
      R"({"credentials":[{"principal":"sched","secret":"pw"},{"principal":"c","secret":"a:b"}]})",
      &error);
  ASSERT_TRUE(credentials) << error;
  auto basic = [](const std::string& text) { return "Basic " + base64_encode(text); };
  EXPECT_EQ(authenticate(basic("sched:pw"), *credentials), "sched");
  EXPECT_FALSE(authenticate(std::nullopt, *credentials));
  EXPECT_FALSE(authenticate(basic("sched:no"), *credentials));
  EXPECT_FALSE(authenticate(basic("nobody:pw"), *credentials));
  EXPECT_FALSE(authenticate(basic("c:a:b"), *credentials));  // a ':' in a secret never passes
  EXPECT_FALSE(authenticate(basic("sched"), *credentials));
  EXPECT_FALSE(authenticate("basic " + base64_encode("sched:pw"), *credentials));
  EXPECT_FALSE(authenticate("Basic  " + base64_encode("sched:pw"), *credentials));
  EXPECT_FALSE(authenticate("Basic !!!", *credentials));
  EXPECT_FALSE(parse_credentials(R"({"credentials":[]})", &error));
  EXPECT_EQ(error, "the credentials file must contain at least one credential");
  EXPECT_FALSE(parse_credentials("principal secret", &error));
  EXPECT_FALSE(load_credentials("file:///nonexistent/credentials.json", &error));
}

}  // namespace
}  // namespace mesos_sim
