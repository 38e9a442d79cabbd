// Offers and agents, against the emulator and (in the lifecycle *_real_test binary) a real
// master: what an offer looks like, refuse filters against SUPPRESS/REVIVE, and what a framework
// is told when an agent is marked gone or stops answering health checks (B.4).

#include <gtest/gtest.h>

#include "scheduler_calls.h"

namespace mesos_sim::test {
namespace {

using OffersAndAgents = MasterTest;
MESOS_SIM_INSTANTIATE(OffersAndAgents);

std::string subscribe_with(const std::string& fields) {
  return R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":")" + current_user() +
         R"(","name":"offers",)" + fields + "}}}";
}

TEST_P(OffersAndAgents, OfferShapeAndAllocationInfoOnlyForMultiRole) {
  MasterUnderTest& m = master();
  {
    Subscriber multi(m.port());
    auto event = multi.next("OFFERS", m.patience());
    ASSERT_TRUE(event) << m.log();
    const auto& offer = (*event)["offers"]["offers"][0];
    EXPECT_STREQ(offer["allocation_info"]["role"].GetString(), "r");
    EXPECT_STREQ(offer["url"]["scheme"].GetString(), "http");
    EXPECT_TRUE(offer["url"]["address"].HasMember("port"));
    EXPECT_STREQ(offer["url"]["path"].GetString(), "/slave(1)");
    for (const auto& resource : offer["resources"].GetArray()) {
      EXPECT_STREQ(resource["role"].GetString(), "*");  // the deprecated field, still filled in
      EXPECT_STREQ(resource["allocation_info"]["role"].GetString(), "r");
    }
    multi.call(R"({"type":"TEARDOWN","framework_id":{"value":")" + multi.framework_id() + R"("}})");
  }
  Subscriber single(m.port(), std::nullopt, {}, subscribe_with(R"("role":"r")"));
  ASSERT_EQ(single.head().status, 200);
  auto event = single.next("OFFERS", m.patience());
  ASSERT_TRUE(event) << m.log();
  const auto& offer = (*event)["offers"]["offers"][0];
  EXPECT_FALSE(offer.HasMember("allocation_info"));
  for (const auto& resource : offer["resources"].GetArray()) {
    EXPECT_FALSE(resource.HasMember("allocation_info"));
  }
}

TEST_P(OffersAndAgents, ReviveBringsOffersBackAtOnceDespiteFilterAndSuppress) {
  // An emulator that allocates once a minute: only an allocation at REVIVE brings offers in time.
  MasterUnderTest& m = master({.sim_flags = {"--offer_interval_ms=60000"}});
  Subscriber sub(m.port());
  FirstOffer offer = first_offer(sub, m.patience());
  ASSERT_FALSE(offer.id.empty()) << m.log();
  const std::string& fw = sub.framework_id();
  sub.call(R"({"type":"DECLINE","framework_id":{"value":")" + fw +
           R"("},"decline":{"offer_ids":[{"value":")" + offer.id +
           R"("}],"filters":{"refuse_seconds":3600}}})");
  // Past two allocation rounds of a real master (1 s apart).
  EXPECT_FALSE(sub.next("OFFERS", real() ? 2500ms : 500ms));
  sub.call(R"({"type":"SUPPRESS","framework_id":{"value":")" + fw + R"("}})");
  sub.call(R"({"type":"REVIVE","framework_id":{"value":")" + fw + R"("}})");
  // A real master's come within milliseconds; its 1 s interval makes that untestable here.
  EXPECT_TRUE(sub.next("OFFERS", m.patience())) << m.log();
}

// A running task on the first agent; returns the agent id.
std::string run_one_task(MasterUnderTest& m, Subscriber& sub, const std::string& task) {
  FirstOffer offer = first_offer(sub, m.patience());
  if (offer.id.empty()) return "";
  sub.call(accept_call(sub.framework_id(), offer.id, {task_info(task, offer.agent, "sleep 60")}));
  auto seen = states_until(sub, task, "TASK_RUNNING", m.patience());
  return !seen.empty() && seen.back() == "TASK_RUNNING" ? offer.agent : "";
}

TEST_P(OffersAndAgents, AgentMarkedGoneByOperator) {
  MasterUnderTest& m = master({.sim_flags = {"--task_ms=60000"}, .exclusive = true});
  Subscriber sub(m.port());
  std::string agent = run_one_task(m, sub, "t");
  ASSERT_FALSE(agent.empty()) << m.log();
  ASSERT_TRUE(m.mark_agent_gone(agent));
  auto gone = next_update(sub, "t", m.patience());
  ASSERT_TRUE(gone) << m.log();
  EXPECT_STREQ((*gone)["state"].GetString(), "TASK_GONE_BY_OPERATOR");
  EXPECT_STREQ((*gone)["reason"].GetString(), "REASON_AGENT_REMOVED_BY_OPERATOR");
  EXPECT_STREQ((*gone)["message"].GetString(), "Agent has been marked gone");
  EXPECT_STREQ((*gone)["source"].GetString(), "SOURCE_MASTER");
  EXPECT_FALSE(gone->HasMember("uuid"));
  auto failure = sub.next("FAILURE", m.patience());
  ASSERT_TRUE(failure);
  EXPECT_EQ((*failure)["failure"]["agent_id"]["value"].GetString(), agent);
  sub.call(reconcile_call(sub.framework_id(),
                          R"({"task_id":{"value":"t"},"agent_id":{"value":")" + agent + R"("}})"));
  auto answer = next_update(sub, "t", m.patience());
  ASSERT_TRUE(answer);
  EXPECT_STREQ((*answer)["state"].GetString(), "TASK_GONE_BY_OPERATOR");
  EXPECT_STREQ((*answer)["message"].GetString(), "Reconciliation: Task is gone");
}

TEST_P(OffersAndAgents, UnreachableAgentsTasksCarryUnreachableTime) {
  MasterSpec spec{.sim_flags = {"--task_ms=60000"}, .exclusive = true, .fast_health_checks = true};
  MasterUnderTest& m = master(spec);
  Subscriber sub(m.port());
  std::string agent = run_one_task(m, sub, "t");
  ASSERT_FALSE(agent.empty()) << m.log();
  m.make_unreachable(0);
  auto unreachable = next_update(sub, "t", m.patience());
  ASSERT_TRUE(unreachable) << m.log();
  EXPECT_STREQ((*unreachable)["state"].GetString(), "TASK_UNREACHABLE");
  EXPECT_STREQ((*unreachable)["reason"].GetString(), "REASON_AGENT_REMOVED");
  EXPECT_STREQ((*unreachable)["message"].GetString(), "health check timed out");
  ASSERT_TRUE(unreachable->HasMember("unreachable_time"));
  int64_t when = (*unreachable)["unreachable_time"]["nanoseconds"].GetInt64();
  sub.call(reconcile_call(sub.framework_id(), R"({"task_id":{"value":"t"},"agent_id":{"value":")" +
                                                  agent + R"("}},{"task_id":{"value":"t"}})"));
  auto with_agent = next_update(sub, "t", m.patience());
  auto without = next_update(sub, "t", m.patience());
  ASSERT_TRUE(with_agent && without);
  EXPECT_STREQ((*with_agent)["state"].GetString(), "TASK_UNREACHABLE");
  EXPECT_STREQ((*with_agent)["message"].GetString(), "Reconciliation: Task is unreachable");
  EXPECT_EQ((*with_agent)["unreachable_time"]["nanoseconds"].GetInt64(), when);
  EXPECT_STREQ((*without)["state"].GetString(), "TASK_UNKNOWN");  // not without its agent id
  sub.call(reconcile_call(sub.framework_id(), ""));
  EXPECT_FALSE(sub.next("UPDATE", m.silence()));  // implicit reconciliation skips unreachable tasks
}

}  // namespace
}  // namespace mesos_sim::test
