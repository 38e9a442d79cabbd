// Groups and detectors on a real ZooKeeper server: two groups of one process share one session
// (one connection on the server, as `cons` reports it), a detector follows the lowest member as
// members come and go or a group is created late, and after a forced expiry the groups carry on
// with a new session.

#include "cluster/group.h"

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "cluster/ensemble.h"
#include "cluster/zookeeper_contender.h"
#include "cluster/zookeeper_detector.h"
#include "cluster/zookeeper_session.h"
#include "tests/integration/cluster/test_replica.h"
#include "tests/integration/cluster/zookeeper_suite.h"
#include "tests/support/servers.h"

namespace scale::cluster {
namespace {

using std::chrono::milliseconds;
using test::wait_until;
using testing::force_expiry;

constexpr milliseconds kDeadline{10000};

// "0x1a2b" -> the number of `cons` lines of that session on the server.
int connections_of(uint16_t port, long long session_id) {
  std::stringstream hex;
  hex << "sid=0x" << std::hex << session_id << ",";
  const std::string cons = test::four_letter_word(port, "cons");
  int count = 0;
  for (size_t at = cons.find(hex.str()); at != std::string::npos;
       at = cons.find(hex.str(), at + 1)) {
    ++count;
  }
  return count;
}

class GroupTest : public testing::ZooKeeperSuite {
 protected:
  void SetUp() override {
    root = path_of_test();
    registrar = Session::open(server->connect_string(), milliseconds(4000));
    ASSERT_TRUE(registrar->wait_connected(kDeadline));
  }
  // A Mesos master registering in the group, on the registrar's own session.
  std::string register_master(const std::string& data) {
    registrar->create(root, "", CreateMode::Persistent, nullptr);
    registrar->create(root + "/masters", "", CreateMode::Persistent, nullptr);
    std::string created;
    registrar->create(root + "/masters/json.info_", data, CreateMode::EphemeralSequential,
                      &created);
    return base_name_of(created);
  }
  static std::string base_name_of(const std::string& path) {
    return path.substr(path.rfind('/') + 1);
  }

  std::string root;
  std::shared_ptr<Session> registrar;
};

TEST_F(GroupTest, GroupsAndDetectorsOfOneEnsembleShareOneSession) {
  auto ensemble = Ensemble::shared(server->connect_string(), milliseconds(4000));
  EXPECT_EQ(Ensemble::shared(server->connect_string(), milliseconds(2000)), ensemble);
  auto election = std::make_shared<Group>(ensemble, root + "/election", election_members());
  auto masters =
      std::make_shared<Group>(Ensemble::shared(server->connect_string(), milliseconds(4000)),
                              root + "/masters", master_members());
  ZooKeeperDetector replicas(election);
  ZooKeeperDetector leading_master(masters);
  register_master(R"({"hostname":"m1","port":5050})");
  auto term = ZooKeeperContender(election).contend(CandidateInfo{"r1", "", "", 0, "", ""}, {});
  ASSERT_TRUE(term);
  ASSERT_TRUE(leading_master.next(std::nullopt, {}, kDeadline));
  ASSERT_TRUE(wait_until([&] { return replicas.members().size() == 1; }, kDeadline));

  const long long session = election->session_id();
  EXPECT_EQ(masters->session_id(), session);
  EXPECT_EQ(connections_of(server->port(), session), 1);
}

TEST_F(GroupTest, ADetectorFollowsTheLowestMemberAndAGroupCreatedLate) {
  auto ensemble = Ensemble::shared(server->connect_string(), milliseconds(4000));
  auto masters = std::make_shared<Group>(ensemble, root + "/masters", master_members());
  ZooKeeperDetector detector(masters);
  // Nothing there yet, not even the group's path.
  EXPECT_EQ(detector.next(std::nullopt, {}, milliseconds(300)), std::nullopt);
  const std::string first = register_master("a");
  const auto leader = detector.next(std::nullopt, {}, kDeadline);
  ASSERT_TRUE(leader);
  EXPECT_EQ(leader->name, first);
  EXPECT_EQ(leader->data, "a");
  const std::string second = register_master("b");
  ASSERT_TRUE(wait_until([&] { return detector.members().size() == 2; }, kDeadline));
  EXPECT_EQ(detector.leader(), leader);
  ASSERT_EQ(registrar->remove(root + "/masters/" + first), ZkError::Ok);
  const auto successor = detector.next(leader, {}, kDeadline);
  ASSERT_TRUE(successor);
  EXPECT_EQ(successor->name, second);
  EXPECT_EQ(successor->data, "b");
}

TEST_F(GroupTest, AfterAForcedExpiryTheGroupsCarryOnWithANewSession) {
  std::shared_ptr<ZooKeeperSession> first;  // opened by the group's constructor, on this thread
  std::atomic<int> opened{0};
  auto ensemble = std::make_shared<Ensemble>([&] {
    auto session = ZooKeeperSession::open(server->connect_string(), milliseconds(4000));
    if (++opened == 1) first = session;
    return session;
  });
  auto masters = std::make_shared<Group>(ensemble, root + "/masters", master_members());
  ZooKeeperDetector detector(masters);
  const std::string master = register_master("a");
  ASSERT_TRUE(detector.next(std::nullopt, {}, kDeadline));
  ASSERT_TRUE(first->wait_connected(kDeadline));

  ASSERT_TRUE(force_expiry(server->connect_string(), first->credentials()));
  ASSERT_TRUE(wait_until([&] { return opened == 2; }, kDeadline));
  ASSERT_TRUE(wait_until([&] { return masters->state() == GroupState::Connected; }, kDeadline));
  EXPECT_NE(masters->session_id(), first->credentials().session_id);
  ASSERT_TRUE(wait_until([&] { return detector.leader() && detector.leader()->name == master; },
                         kDeadline));

  ensemble->close();
  EXPECT_EQ(masters->state(), GroupState::Closed);
  EXPECT_TRUE(detector.members().empty() ||
              wait_until([&] { return detector.members().empty(); }, kDeadline));
}

}  // namespace
}  // namespace scale::cluster
