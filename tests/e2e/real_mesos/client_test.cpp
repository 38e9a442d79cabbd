// The scheduler's Mesos client, unchanged, against a real Mesos 1.12 master and two agents
// running real command tasks: subscription, offers, launch, acknowledgement, reconciliation,
// DECLINE filters, SUPPRESS/REVIVE, KILL and TEARDOWN, each checked on the master's own endpoints.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <set>

#include "scheduler/mesos/http_mesos_connection.h"
#include "tests/e2e/real_mesos/master_view.h"
#include "tests/integration/mesos/notification_log.h"
#include "tests/support/real_mesos_gtest.h"

namespace scale::mesos {
namespace {

using namespace std::chrono_literals;
using test::RealMesos;
using testing::NotificationLog;

constexpr auto kWait = 30s;

class RealMesosClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SCALE_REQUIRE_REAL_MESOS();
    mesos_ = std::make_unique<RealMesos>(test::RealMesosOptions{.agents = 2});
    HttpMesosConnectionOptions options;
    options.master = mesos_->master_spec();
    options.client.client.framework.user = "root";
    options.client.client.framework.name = "client-vs-real-mesos";
    options.client.client.framework.roles = {"scale"};
    options.client.client.backoff_max = 1000ms;
    client_ = make_http_mesos_connection(options);
    client_->start(std::nullopt, log_.callback());
  }
  void TearDown() override {
    if (client_) client_->stop();
    if (mesos_) test::keep_logs_if_failed(*mesos_);
  }

  // Offers received and not yet accepted, declined or rescinded, by id.
  void refresh_offers() {
    const auto log = log_.snapshot();
    for (; cursor_ < log.size(); ++cursor_) {
      const auto* e = std::get_if<Event>(&log[cursor_]);
      if (e && e->type == EventType::Offers) {
        for (const auto& offer : e->offers) outstanding_[offer.id] = offer;
      }
      if (e && e->type == EventType::Rescind) outstanding_.erase(e->rescinded_offer_id);
    }
  }
  // Waits until outstanding offers cover `agents` agents; returns one offer per agent.
  std::map<std::string, Offer> wait_offers(size_t agents,
                                           std::chrono::milliseconds timeout = kWait) {
    std::map<std::string, Offer> by_agent;
    test::wait_until(
        [&] {
          refresh_offers();
          by_agent.clear();
          for (const auto& [id, offer] : outstanding_) by_agent[offer.agent_id] = offer;
          return by_agent.size() >= agents;
        },
        timeout);
    return by_agent;
  }
  // Declines every outstanding offer in one DECLINE; returns how many agents it spanned.
  size_t decline_outstanding(double refuse_seconds) {
    refresh_offers();
    std::vector<std::string> ids;
    std::set<std::string> agents;
    for (const auto& [id, offer] : outstanding_) {
      ids.push_back(id);
      agents.insert(offer.agent_id);
    }
    outstanding_.clear();
    if (!ids.empty()) {
      EXPECT_TRUE(client_->decline(ids, refuse_seconds));
    }
    return agents.size();
  }
  // For `window`, declines whatever arrives (an allocation that raced a SUPPRESS).
  void decline_for(std::chrono::milliseconds window, double refuse_seconds) {
    const auto until = std::chrono::steady_clock::now() + window;
    while (std::chrono::steady_clock::now() < until) {
      decline_outstanding(refuse_seconds);
      log_.wait([&](const auto& l) { return l.size() > cursor_; }, 100ms);
    }
  }
  // Acknowledges every update with a uuid once; returns the updates of `task` so far.
  std::vector<TaskStatus> updates_of(const std::string& task) {
    std::vector<TaskStatus> updates;
    for (const auto& n : log_.snapshot()) {
      const auto* e = std::get_if<Event>(&n);
      if (!e || e->type != EventType::Update) continue;
      if (e->status.uuid && acked_.insert(*e->status.uuid).second) {
        EXPECT_TRUE(client_->acknowledge(e->status));
      }
      if (e->status.task_id == task) updates.push_back(e->status);
    }
    return updates;
  }
  bool wait_state(const std::string& task, const std::string& state) {
    return test::wait_until(
        [&] {
          for (const auto& u : updates_of(task)) {
            if (u.state == state) return true;
          }
          return false;
        },
        kWait);
  }
  TaskLaunch task(const Offer& offer, const std::string& id, const std::string& command) {
    TaskLaunch launch;
    launch.name = id;
    launch.task_id = id;
    launch.agent_id = offer.agent_id;
    launch.resources = {{"cpus", 0.1, offer.allocation_role}, {"mem", 32, offer.allocation_role}};
    launch.command = command;
    return launch;
  }

  std::unique_ptr<RealMesos> mesos_;
  NotificationLog log_;
  std::unique_ptr<MesosConnection> client_;
  std::set<std::string> acked_;
  std::map<std::string, Offer> outstanding_;
  size_t cursor_ = 0;  // log entries already applied to outstanding_
};

TEST_F(RealMesosClientTest, SubscribesLaunchesAcknowledgesReconcilesKillsAndTearsDown) {
  ASSERT_TRUE(log_.wait_event(EventType::Subscribed, kWait));
  const std::string framework_id = client_->framework_id().value_or("");
  ASSERT_FALSE(framework_id.empty());
  for (const auto& n : log_.snapshot()) {
    if (const auto* e = std::get_if<Event>(&n); e && e->type == EventType::Subscribed) {
      EXPECT_EQ(e->subscribed.heartbeat_interval_seconds, 15.0);
      EXPECT_EQ(e->subscribed.framework_id, framework_id);
    }
  }
  ASSERT_TRUE(log_.wait_event(EventType::Heartbeat, kWait)) << "sent right after SUBSCRIBED";

  auto offers = wait_offers(2);
  ASSERT_EQ(offers.size(), 2u) << "one offer per agent";
  const Offer first = offers.begin()->second;
  const Offer second = std::next(offers.begin())->second;
  outstanding_.erase(first.id);
  outstanding_.erase(second.id);
  for (const auto& resource : first.resources) EXPECT_EQ(resource.allocation_role, "scale");

  // One ACCEPT: two short tasks and one that runs until it is killed.
  ASSERT_TRUE(client_->accept({first.id},
                              {task(first, "t-true-1", "true"), task(first, "t-true-2", "true"),
                               task(first, "t-sleep", "sleep 60")},
                              1.0));
  // The other agent's offer goes back with a long filter.
  ASSERT_TRUE(client_->decline({second.id}, 3600));
  for (const char* id : {"t-true-1", "t-true-2"}) {
    ASSERT_TRUE(wait_state(id, "TASK_FINISHED")) << id;
    const auto updates = updates_of(id);
    EXPECT_EQ(updates.front().state, "TASK_STARTING") << "the command executor starts with it";
    for (const auto& u : updates) EXPECT_TRUE(u.uuid) << id << " " << u.state;
  }
  ASSERT_TRUE(wait_state("t-sleep", "TASK_RUNNING"));
  // Acknowledgements travel in their own lane, so a RECONCILE may overtake them: wait until the
  // master has dropped both finished tasks (their acknowledgements arrived), or it would answer
  // TASK_FINISHED for a task it still holds.
  ASSERT_TRUE(test::wait_until(
      [&] {
        for (const auto& framework : test::master_frameworks(*mesos_))
          if (framework.id == framework_id) return framework.active_tasks == 1;
        return false;
      },
      kWait));

  // Explicit reconciliation: the live task answers with its state, a finished (acknowledged) one
  // is unknown on a registered agent: TASK_GONE for a partition-aware framework.
  ASSERT_TRUE(client_->reconcile({{"t-sleep", first.agent_id}, {"t-true-1", first.agent_id}}));
  ASSERT_TRUE(test::wait_until(
      [&] {
        int answers = 0;
        for (const auto& u : updates_of("t-sleep"))
          answers += u.reason == "REASON_RECONCILIATION" && u.state == "TASK_RUNNING" && !u.uuid;
        for (const auto& u : updates_of("t-true-1"))
          answers += u.reason == "REASON_RECONCILIATION" && u.state == "TASK_GONE" && !u.uuid;
        return answers == 2;
      },
      kWait));
  // Implicit reconciliation: every task the master knows, again without uuid.
  const auto reconciled = [&] {
    int n = 0;
    for (const auto& u : updates_of("t-sleep")) n += u.reason == "REASON_RECONCILIATION";
    return n;
  };
  const int before_implicit = reconciled();
  ASSERT_TRUE(client_->reconcile({}));
  ASSERT_TRUE(test::wait_until([&] { return reconciled() > before_implicit; }, kWait));

  // KILL: TASK_KILLING first (the framework has TASK_KILLING_STATE), then TASK_KILLED.
  ASSERT_TRUE(client_->kill("t-sleep", first.agent_id));
  ASSERT_TRUE(wait_state("t-sleep", "TASK_KILLED"));
  bool killing = false;
  for (const auto& u : updates_of("t-sleep")) killing |= u.state == "TASK_KILLING";
  EXPECT_TRUE(killing);

  // The master agrees: its task list and its acknowledgement counters.
  const auto tasks = test::master_tasks(*mesos_, framework_id);
  EXPECT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks.count("t-true-1") ? tasks.at("t-true-1").state : "", "TASK_FINISHED");
  EXPECT_EQ(tasks.count("t-sleep") ? tasks.at("t-sleep").state : "", "TASK_KILLED");
  ASSERT_TRUE(test::wait_until(
      [&] {
        updates_of("");
        const auto m = test::master_metrics(*mesos_);
        return m.acknowledgements == static_cast<long long>(acked_.size()) &&
               m.valid_updates == m.acknowledgements;
      },
      kWait))
      << "every reliable update acknowledged exactly once";
  EXPECT_EQ(test::master_metrics(*mesos_).invalid_acknowledgements, 0);

  // SUPPRESS: no offer, even after the filters expire; REVIVE: offers at once, the declined
  // agent's too (its filter was cleared).
  ASSERT_TRUE(client_->suppress({"scale"}));
  ASSERT_TRUE(test::wait_until(
      [&] { return test::framework_suppressed(*mesos_, framework_id, "scale"); }, kWait));
  decline_for(1500ms, 0.5);  // an allocation may have raced the SUPPRESS
  EXPECT_TRUE(wait_offers(1, 3s).empty()) << "suppressed: no offers";
  ASSERT_TRUE(client_->revive({"scale"}));
  EXPECT_EQ(wait_offers(2).size(), 2u) << "REVIVE brings every agent back";

  // One DECLINE for the offers of both agents, with a filter: both stay away until REVIVE.
  EXPECT_EQ(decline_outstanding(3600), 2u) << "offers of both agents in one DECLINE";
  EXPECT_TRUE(wait_offers(1, 3s).empty()) << "both declined under the filter";
  ASSERT_TRUE(client_->revive({"scale"}));
  EXPECT_EQ(wait_offers(2).size(), 2u);

  // Nothing the client sent was refused.
  EXPECT_EQ(NotificationLog::count_kind<CallRejected>(log_.snapshot()), 0);

  // TEARDOWN: the framework is completed at the master.
  ASSERT_TRUE(client_->teardown());
  EXPECT_TRUE(
      test::wait_until([&] { return test::framework_completed(*mesos_, framework_id); }, kWait));
}

}  // namespace
}  // namespace scale::mesos
