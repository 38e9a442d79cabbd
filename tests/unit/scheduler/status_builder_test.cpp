// The status document's inputs, with a clock the test sets: rates per second since the previous
// document, warnings that keep their start across an episode, the facts only the database knows.
#include "scheduler/status_builder.h"

#include <gtest/gtest.h>

#include "tests/unit/scheduler/scheduling_core_fakes.h"

namespace scale::scheduler {
namespace {

using namespace std::chrono_literals;
using testing::offer;
using testing::offers;

class ManualClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return steady; }
  std::chrono::system_clock::time_point wall() const override { return system; }
  void advance(std::chrono::milliseconds d) {
    steady += d;
    system += d;
  }
  std::chrono::steady_clock::time_point steady{std::chrono::hours(1000)};
  std::chrono::system_clock::time_point system{std::chrono::hours(500000)};
};

class StatusBuilderTest : public ::testing::Test {
 protected:
  StatusBuilderTest() {
    options_.replica_id = "r1";
    options_.mesos_master = "http://m:5050";
    core_.load({}, "fw-1", {});
  }
  ReplicaOptions options_;
  ManualClock clock_;
  testing::Log log_;
  testing::FakeMesos mesos_{log_};
  testing::FakePersistence db_{log_};
  SchedulingCore core_{SchedulingCore::Options{}, mesos_, db_};
};

TEST_F(StatusBuilderTest, RatesArePerSecondSinceThePreviousDocument) {
  StatusBuilder builder(options_, 7, clock_);
  builder.start_counting(core_);
  core_.on_mesos(
      offers({offer("o1", "a1"), offer("o2", "a2"), offer("o3", "a3"), offer("o4", "a4")}),
      clock_.now());
  clock_.advance(2000ms);
  const StatusInputs first = builder.build(&core_, {});
  EXPECT_DOUBLE_EQ(first.metrics[0], 2.0);  // new_offers: 4 in 2 s
  clock_.advance(1000ms);
  EXPECT_DOUBLE_EQ(builder.build(&core_, {}).metrics[0], 0.0);  // none since
  EXPECT_EQ(first.epoch, 7);
  EXPECT_EQ(first.leader_replica_id, "r1");
  EXPECT_EQ(first.num_offers, 4);
}

TEST_F(StatusBuilderTest, AWarningKeepsItsStartWhileItLasts) {
  StatusBuilder builder(options_, 7, clock_);
  const StatusInputs first = builder.build(&core_, {});  // never subscribed
  ASSERT_EQ(first.warnings.size(), 1u);
  EXPECT_EQ(first.warnings[0].name, "mesos_not_subscribed");
  clock_.advance(5000ms);
  const StatusInputs later = builder.build(&core_, {});
  ASSERT_EQ(later.warnings.size(), 1u);
  EXPECT_EQ(later.warnings[0].started, first.warnings[0].started);
  EXPECT_NE(later.warnings[0].last_updated, first.warnings[0].last_updated);
  core_.on_mesos(testing::subscribed(), clock_.now());
  EXPECT_TRUE(builder.build(&core_, {}).warnings.empty());
}

TEST_F(StatusBuilderTest, HeldLaunchesAreAWarningThatSaysWhatHoldsThem) {
  SchedulingCore::Options held_options;
  held_options.launch_gate.max_unacknowledged_updates = 10;
  SchedulingCore core(held_options, mesos_, db_);
  core.load({}, "fw-1", {});
  core.on_mesos(testing::subscribed(), clock_.now());
  mesos_.load.in_flight[static_cast<size_t>(mesos::CallLane::Acknowledge)] = 11;
  core.turn(clock_.now());
  StatusBuilder builder(options_, 7, clock_);
  const StatusInputs in = builder.build(&core, {});
  ASSERT_EQ(in.warnings.size(), 1u);
  EXPECT_EQ(in.warnings[0].name, "launches_held");
  EXPECT_NE(in.warnings[0].description.find("11 status update(s) not yet acknowledged (bound 10"),
            std::string::npos)
      << in.warnings[0].description;
  mesos_.load = {};
  core.turn(clock_.now());
  EXPECT_TRUE(builder.build(&core, {}).warnings.empty());
}

// Scale's identity for every resource: running + offered + free + unavailable = total. An idle
// node's capacity is free; a paused node's is unavailable.
TEST_F(StatusBuilderTest, ResourcesAddUpAndAnIdleNodeIsFree) {
  StatusBuilder builder(options_, 7, clock_);
  core_.on_mesos(offers({offer("o1", "a1")}), clock_.now());  // a1 offers 4 cpus
  core_.turn(clock_.now());
  clock_.advance(2000ms);
  core_.turn(clock_.now());  // nothing queued: the held offer goes back after a second
  const StatusInputs idle = builder.build(&core_, {});
  ASSERT_EQ(idle.nodes.size(), 1u);
  const ResourceLine& cpus = idle.nodes[0].resources[0];
  EXPECT_DOUBLE_EQ(cpus.total, 4);
  EXPECT_DOUBLE_EQ(cpus.offered, 0);
  EXPECT_DOUBLE_EQ(cpus.free, 4);
  EXPECT_DOUBLE_EQ(cpus.unavailable, 0);
  for (const auto& line : idle.resources)
    EXPECT_DOUBLE_EQ(line.running + line.offered + line.free + line.unavailable, line.total);
}

TEST_F(StatusBuilderTest, TheDatabasesFactsGoIntoTheDocument) {
  StatusBuilder builder(options_, 7, clock_);
  core_.on_mesos(offers({offer("o1", "a1")}), clock_.now());
  StatusInputs in = builder.build(nullptr, {{"r1", "u", "h", 1, true, "", "", std::nullopt}});
  in.nodes.push_back({});
  in.nodes.back().agent_id = "a1";
  StatusFacts facts;
  facts.paused = true;
  facts.framework_id = "fw-stored";
  facts.recent = {{"a1", 5, 2}};
  const std::string document = StatusBuilder::render(in, facts);
  EXPECT_NE(document.find("fw-stored"), std::string::npos) << document;
  EXPECT_NE(document.find("PAUSED"), std::string::npos) << document;
  EXPECT_NE(document.find(R"("completed")"), std::string::npos) << document;
}

}  // namespace
}  // namespace scale::scheduler
