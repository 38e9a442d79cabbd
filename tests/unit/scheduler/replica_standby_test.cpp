#include "scheduler/replica_standby.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scale::scheduler {
namespace {

db::Notification on(const std::string& channel, const std::string& payload) {
  db::Notification n;
  n.channel = channel;
  n.payload = payload;
  return n;
}

// A follower's standby listener hears every submission; nobody needs them until a term loads
// the state, so they are dropped rather than piling up.
TEST(NotifyRelay, DropsNotificationsWhileNothingIsAttached) {
  NotifyRelay relay;
  relay.deliver(on("scale_jobs", "1"));
  std::vector<std::string> seen;
  relay.attach([&](const db::Notification& n) { seen.push_back(n.channel + ":" + n.payload); });
  EXPECT_TRUE(seen.empty());
}

TEST(NotifyRelay, DeliversInOrderOnceAttached) {
  NotifyRelay relay;
  std::vector<std::string> seen;
  relay.attach([&](const db::Notification& n) { seen.push_back(n.channel + ":" + n.payload); });
  relay.deliver(on("scale_jobs", "7"));
  relay.deliver(on("scale_settings", ""));
  EXPECT_EQ(seen, (std::vector<std::string>{"scale_jobs:7", "scale_settings:"}));
}

TEST(LeaderChannels, AreWhatTheLeaderReactsTo) {
  EXPECT_EQ(leader_channels(), (std::vector<std::string>{"scale_jobs", "scale_job_actions",
                                                         "scale_nodes", "scale_settings"}));
}

}  // namespace
}  // namespace scale::scheduler
