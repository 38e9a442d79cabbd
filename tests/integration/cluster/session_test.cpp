// ZooKeeperSession against a real ZooKeeper server (tickTime 200 ms: timeouts clamp to
// 400..4000 ms).

#include "cluster/session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "cluster/zookeeper_session.h"
#include "tests/integration/cluster/test_replica.h"
#include "tests/support/servers.h"
#include "tests/support/tcp_proxy.h"

namespace scale::cluster {
namespace {

using std::chrono::milliseconds;
using test::wait_until;
using testing::force_expiry;

constexpr milliseconds kDeadline{10000};

// Every state a session reported, in order. The callback shares ownership of the record, so it
// stays valid for as long as the session can call it (until the session is destroyed).
class StateLog {
 public:
  explicit StateLog(Session& session) {
    subscription_ = session.subscribe([record = record_](SessionState state) {
      std::lock_guard lock(record->mutex);
      record->states.push_back(state);
    });
  }
  bool saw(SessionState state) {
    const auto all = states();
    return std::find(all.begin(), all.end(), state) != all.end();
  }
  std::vector<SessionState> states() {
    std::lock_guard lock(record_->mutex);
    return record_->states;
  }

 private:
  struct Record {
    std::mutex mutex;
    std::vector<SessionState> states;
  };
  std::shared_ptr<Record> record_ = std::make_shared<Record>();
  Subscription subscription_;
};

class SessionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server = new test::ZooKeeperServer(); }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  static test::ZooKeeperServer* server;
};
test::ZooKeeperServer* SessionTest::server = nullptr;

TEST_F(SessionTest, ConnectsAndReportsTheNegotiatedTimeout) {
  auto session = Session::open(server->connect_string(), milliseconds(2000));
  ASSERT_TRUE(session->wait_connected(kDeadline));
  EXPECT_EQ(session->state(), SessionState::Connected);
  EXPECT_NE(session->session_id(), 0);
  EXPECT_EQ(session->session_timeout(), milliseconds(2000));

  // The server clamps to 20 x tickTime.
  auto clamped = Session::open(server->connect_string(), milliseconds(60000));
  ASSERT_TRUE(clamped->wait_connected(kDeadline));
  EXPECT_EQ(clamped->session_timeout(), milliseconds(4000));
  EXPECT_NE(clamped->session_id(), session->session_id());
}

TEST_F(SessionTest, ClosingDeletesEphemeralNodesAtOnceAndReportsClosed) {
  auto owner = Session::open(server->connect_string(), milliseconds(4000));
  auto observer = Session::open(server->connect_string(), milliseconds(4000));
  ASSERT_TRUE(owner->wait_connected(kDeadline));
  ASSERT_TRUE(observer->wait_connected(kDeadline));
  StateLog log(*owner);
  std::shared_ptr<Session> client = owner;  // another holder: the session outlives the owner
  std::string created;
  ASSERT_EQ(client->create("/closing-test", "", CreateMode::Persistent, nullptr), ZkError::Ok);
  ASSERT_EQ(client->create("/closing-test/e-", "x", CreateMode::EphemeralSequential, &created),
            ZkError::Ok);
  ASSERT_EQ(observer->exists(created, nullptr), ZkError::Ok);

  owner->close();
  owner.reset();
  // Well inside the 4 s session timeout: the close itself removed the node.
  EXPECT_EQ(observer->exists(created, nullptr), ZkError::NoNode);
  EXPECT_EQ(log.states(), std::vector{SessionState::Closed});
  // Another holder outlives the owner's close; operations now fail cleanly.
  EXPECT_EQ(client->state(), SessionState::Closed);
  EXPECT_EQ(client->exists("/closing-test", nullptr), ZkError::Closed);
}

TEST_F(SessionTest, ForcedExpiryIsReportedAsExpired) {
  auto session = ZooKeeperSession::open(server->connect_string(), milliseconds(4000));
  ASSERT_TRUE(session->wait_connected(kDeadline));
  StateLog log(*session);
  ASSERT_TRUE(force_expiry(server->connect_string(), session->credentials()));
  ASSERT_TRUE(wait_until([&] { return session->state() == SessionState::Expired; }, kDeadline));
  // The state changes before its subscribers are called: wait for the callback too.
  EXPECT_TRUE(wait_until([&] { return log.saw(SessionState::Expired); }, kDeadline));
  EXPECT_FALSE(session->wait_connected(milliseconds(10)));
  EXPECT_EQ(session->exists("/", nullptr), ZkError::SessionExpired);
}

TEST_F(SessionTest, UnreachableServerStaysConnecting) {
  auto session =
      Session::open("127.0.0.1:" + std::to_string(test::free_port()), milliseconds(1000));
  EXPECT_FALSE(session->wait_connected(milliseconds(300)));
  EXPECT_EQ(session->state(), SessionState::Connecting);
}

TEST_F(SessionTest, DestructionWaitsForCallbacksInFlight) {
  // Callbacks that are still running when the owner destroys the session: ASan would flag any
  // use of freed memory, and the counter proves each callback ran to its end.
  std::atomic<int> started{0}, finished{0};
  for (int i = 0; i < 10; ++i) {
    Subscription subscription;  // outlives the session: its destruction is what is tested
    auto session = Session::open(server->connect_string(), milliseconds(2000));
    subscription = session->subscribe([&](SessionState) {
      ++started;
      std::this_thread::sleep_for(milliseconds(20));  // a slow callback, on purpose
      ++finished;
    });
    if (i % 2 == 0) session->wait_connected(kDeadline);
  }
  EXPECT_EQ(started.load(), finished.load());
  EXPECT_GT(started.load(), 0);
}

TEST_F(SessionTest, MalformedConnectStringThrows) {
  EXPECT_THROW(Session::open("", milliseconds(1000)), std::runtime_error);
}

TEST_F(SessionTest, ConnectionLossIsSuspendedAndTheSessionSurvivesAReconnect) {
  test::TcpProxy proxy(server->port());
  auto session = Session::open(proxy.address(), milliseconds(4000));
  ASSERT_TRUE(session->wait_connected(kDeadline));
  const long long id = session->session_id();
  StateLog log(*session);

  proxy.cut();
  ASSERT_TRUE(wait_until([&] { return session->state() == SessionState::Suspended; }, kDeadline));
  EXPECT_FALSE(session->wait_connected(milliseconds(200)));
  proxy.restore();
  ASSERT_TRUE(session->wait_connected(kDeadline));
  EXPECT_EQ(session->session_id(), id);
  EXPECT_EQ(log.states(), (std::vector{SessionState::Suspended, SessionState::Connected}));
}

TEST_F(SessionTest, ServerLossIsSuspendedAndTheSessionOutlivesARestart) {
  test::ZooKeeperServer own;  // this test kills and restarts its server
  auto session = Session::open(own.connect_string(), milliseconds(4000));
  ASSERT_TRUE(session->wait_connected(kDeadline));
  StateLog log(*session);
  own.stop();
  ASSERT_TRUE(wait_until([&] { return session->state() == SessionState::Suspended; }, kDeadline));
  own.start();
  // Back within the session timeout, the session survives; a slow restart expires it. Both are
  // correct reports, and neither may hang.
  ASSERT_TRUE(wait_until(
      [&] {
        const SessionState state = session->state();
        return state == SessionState::Connected || state == SessionState::Expired;
      },
      kDeadline));
  EXPECT_EQ(log.states().front(), SessionState::Suspended);
}

}  // namespace
}  // namespace scale::cluster
