#include "scheduler/kill_book.h"

#include <gtest/gtest.h>

namespace scale::scheduler {
namespace {

using namespace std::chrono_literals;

TEST(KillBook, AKillWantedTwiceIsSentOnceAndAgainAtOnceWhenWantedAfterSending) {
  KillBook book({10s, 5});
  const KillBook::Clock::time_point now{};
  book.want({"t1", "a1", std::nullopt});
  book.want({"t1", "a1", 1.0});  // a cancel and a timeout of the same task
  auto due = book.take_due(now);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].grace_s, std::optional<double>(1.0));
  EXPECT_TRUE(book.take_due(now + 1s).empty());
  EXPECT_EQ(book.next_due(), now + 11s);  // resend_after plus the grace
  book.want({"t1", "a1", 1.0});           // seen alive again
  EXPECT_EQ(book.take_due(now + 2s).size(), 1u);
  EXPECT_EQ(book.resends(), 1u);
  book.ended("t1");
  EXPECT_FALSE(book.wanted("t1"));
  EXPECT_EQ(book.next_due(), std::nullopt);
}

}  // namespace
}  // namespace scale::scheduler
