#include "scheduler/mesos/call_lanes.h"

#include <gtest/gtest.h>

namespace scale::mesos {
namespace {

std::vector<std::string> types(const std::vector<LaneCall>& calls) {
  std::vector<std::string> out;
  for (const auto& c : calls) out.push_back(to_string(c.type));
  return out;
}

TEST(CallLanes, AcknowledgementsGoUpToTheWindowAtOnceAndDuplicatesOfPendingOnesAreDropped) {
  CallLanes lanes(2, 4);
  auto first = lanes.submit(CallType::Acknowledge, "a");
  auto second = lanes.submit(CallType::Acknowledge, "b");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(lanes.submit(CallType::Acknowledge, "c").empty());  // window full: waits
  EXPECT_TRUE(lanes.submit(CallType::Acknowledge, "a").empty());  // in flight: dropped
  EXPECT_TRUE(lanes.submit(CallType::Acknowledge, "c").empty());  // queued: dropped
  EXPECT_EQ(lanes.queued(), 1u);
  auto next = lanes.finished(first[0].seq);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].body, "c");
  // Answered: a redelivery of "a" is acknowledged again.
  EXPECT_TRUE(lanes.finished(second[0].seq).empty());
  EXPECT_EQ(lanes.submit(CallType::Acknowledge, "a").size(), 1u);
}

TEST(CallLanes, LoadCountsStartedCallsAsInFlightAndWaitingOnesAsQueuedByLane) {
  CallLanes lanes(1, 4);
  lanes.submit(CallType::Acknowledge, "a");
  lanes.submit(CallType::Acknowledge, "b");  // waits for "a"
  lanes.submit(CallType::Acknowledge, "a");  // a duplicate: dropped, not counted
  auto accept = lanes.submit(CallType::Accept, "accept");
  lanes.submit(CallType::Kill, "kill");  // waits for the ACCEPT
  CallLoad expected;
  expected.in_flight = {1, 1, 0};
  expected.queued = {1, 0, 1};
  EXPECT_EQ(lanes.load(), expected);
  lanes.finished(accept[0].seq);  // the KILL starts
  expected.in_flight = {1, 0, 1};
  expected.queued = {1, 0, 0};
  EXPECT_EQ(lanes.load(), expected);
  lanes.reset();
  EXPECT_EQ(lanes.load(), CallLoad{});
}

TEST(CallLanes, OrderedCallsWaitForTheOfferCallsBeforeThemAndForEachOther) {
  CallLanes lanes(8, 8);
  auto accept = lanes.submit(CallType::Accept, "accept-1");
  auto decline = lanes.submit(CallType::Decline, "decline-1");
  ASSERT_EQ(types(accept), std::vector<std::string>{"ACCEPT"});
  ASSERT_EQ(types(decline), std::vector<std::string>{"DECLINE"});
  EXPECT_TRUE(lanes.submit(CallType::Kill, "kill-1").empty());  // after the ACCEPT and the DECLINE
  EXPECT_TRUE(lanes.submit(CallType::Revive, "revive").empty());
  // An ACKNOWLEDGE or a later ACCEPT does not wait for the ordered calls.
  EXPECT_EQ(types(lanes.submit(CallType::Acknowledge, "ack")),
            std::vector<std::string>{"ACKNOWLEDGE"});
  auto later = lanes.submit(CallType::Accept, "accept-2");
  EXPECT_EQ(types(later), std::vector<std::string>{"ACCEPT"});

  EXPECT_TRUE(lanes.finished(accept[0].seq).empty());  // the DECLINE is still unanswered
  auto kill = lanes.finished(decline[0].seq);          // accept-2 came after the KILL
  ASSERT_EQ(types(kill), std::vector<std::string>{"KILL"});
  auto revive = lanes.finished(kill[0].seq);
  ASSERT_EQ(types(revive), std::vector<std::string>{"REVIVE"});
  EXPECT_EQ(lanes.queued(), 0u);
}

TEST(CallLanes, OfferCallsUpToTheirWindow) {
  CallLanes lanes(8, 2);
  auto a = lanes.submit(CallType::Accept, "1");
  auto b = lanes.submit(CallType::Accept, "2");
  EXPECT_TRUE(lanes.submit(CallType::Accept, "3").empty());
  auto c = lanes.finished(b[0].seq);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].body, "3");
  EXPECT_EQ(lanes.submit(CallType::Accept, "3").size(), 0u) << "offer calls are not deduplicated";
  EXPECT_EQ(lanes.queued(), 1u);
}

TEST(CallLanes, ResetForgetsEverythingAndLateAnswersFreeNothing) {
  CallLanes lanes(1, 1);
  auto ack = lanes.submit(CallType::Acknowledge, "a");
  auto accept = lanes.submit(CallType::Accept, "x");
  EXPECT_TRUE(lanes.submit(CallType::Reconcile, "r").empty());
  lanes.reset();
  EXPECT_EQ(lanes.queued(), 0u);
  EXPECT_TRUE(lanes.finished(ack[0].seq).empty());
  EXPECT_TRUE(lanes.finished(accept[0].seq).empty());
  EXPECT_EQ(types(lanes.submit(CallType::Reconcile, "r")), std::vector<std::string>{"RECONCILE"});
  EXPECT_EQ(lanes.submit(CallType::Acknowledge, "a").size(), 1u);
}

}  // namespace
}  // namespace scale::mesos
