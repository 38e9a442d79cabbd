// StandaloneContender: the in-memory election unit tests put any replica in charge with.
#include <gtest/gtest.h>

#include <future>

#include "cluster/standalone_contender.h"
#include "tests/unit/cluster/fake_zookeeper.h"

namespace scale::cluster {
namespace {

using std::chrono::milliseconds;
using testing::eventually;

const CandidateInfo kMe{"me", "http://me:8000", "host-me", 1, "", ""};

TEST(StandaloneContenderTest, ContendWaitsUntilAppointed) {
  StandaloneContender contender;
  auto running =
      std::async(std::launch::async, [&] { return contender.contend(kMe, std::stop_token{}); });
  ASSERT_TRUE(eventually([&] { return contender.candidate().has_value(); }));
  EXPECT_EQ(contender.candidate()->replica_id, "me");
  EXPECT_EQ(running.wait_for(milliseconds(50)), std::future_status::timeout);
  contender.appoint(7);
  auto term = running.get();
  ASSERT_TRUE(term);
  EXPECT_EQ(term->epoch(), 7);
  EXPECT_TRUE(term->acting());
  EXPECT_FALSE(term->ended());
}

TEST(StandaloneContenderTest, StopEndsAWaitingCandidacyWithoutATerm) {
  StandaloneContender contender;
  std::stop_source stop;
  auto running =
      std::async(std::launch::async, [&] { return contender.contend(kMe, stop.get_token()); });
  ASSERT_TRUE(eventually([&] { return contender.candidate().has_value(); }));
  stop.request_stop();
  EXPECT_EQ(running.get(), nullptr);
}

TEST(StandaloneContenderTest, TheOwnerEndsAndSuspendsTheTerm) {
  StandaloneContender contender;
  contender.appoint(1);
  auto term = contender.contend(kMe, std::stop_token{});
  ASSERT_TRUE(term);
  contender.suspend(true);
  EXPECT_FALSE(term->acting());
  EXPECT_FALSE(term->ended());
  contender.suspend(false);
  EXPECT_TRUE(term->acting());
  std::vector<TermEndReason> seen;
  term->on_end([&](TermEndReason reason) { seen.push_back(reason); });
  contender.depose(TermEndReason::SessionExpired);
  EXPECT_TRUE(term->wait_ended(milliseconds(0)));
  EXPECT_EQ(term->end_reason(), TermEndReason::SessionExpired);
  EXPECT_EQ(seen, std::vector{TermEndReason::SessionExpired});
  term->resign();  // idempotent after the end
  EXPECT_EQ(term->end_reason(), TermEndReason::SessionExpired);
}

TEST(StandaloneContenderTest, AppointingAgainEndsTheRunningTermAndStartsALaterOne) {
  StandaloneContender contender;
  contender.appoint(1);
  auto first = contender.contend(kMe, std::stop_token{});
  contender.appoint(2);
  EXPECT_EQ(first->end_reason(), TermEndReason::NodeDeleted);
  auto second = contender.contend(kMe, std::stop_token{});
  EXPECT_GT(second->epoch(), first->epoch());
  second.reset();  // destroying a running term resigns it
  contender.appoint(3);
  EXPECT_TRUE(contender.contend(kMe, std::stop_token{})->acting());
}

}  // namespace
}  // namespace scale::cluster
