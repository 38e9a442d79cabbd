// The digest ACL of --zk_auth_file on a real ZooKeeper server: what an authenticated replica
// creates is writable only with the credential (READ stays open), a replica without it cannot
// join or delete, and the credential survives reconnects and new sessions.

#include <gtest/gtest.h>
#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "cluster/election.h"
#include "cluster/zk_auth.h"
#include "cluster/zookeeper_contender.h"
#include "cluster/zookeeper_session.h"
#include "tests/integration/cluster/test_replica.h"
#include "tests/integration/cluster/zookeeper_suite.h"
#include "tests/support/servers.h"
#include "tests/support/tcp_proxy.h"

namespace scale::cluster {
namespace {

using std::chrono::milliseconds;
using test::TcpProxy;
using test::wait_until;
using testing::force_expiry;
using testing::list_candidates;
using testing::Participant;

constexpr milliseconds kDeadline{10000};
const ZkAuth kAuth{"scale", "s3cret-pw"};

// The ACL of `path` as "scheme:id:perms" entries (perms as ZooKeeper's bit mask), sorted; read on
// a plain C client session of its own, so nothing of cluster/ is trusted to report it. The server
// shows a digest id only to a client with ADMIN on the node ("x" to others), hence the credential.
std::vector<std::string> acl_of(const std::string& connect, const std::string& path,
                                const std::optional<ZkAuth>& auth = kAuth) {
  zhandle_t* zh = zookeeper_init(
      connect.c_str(), [](zhandle_t*, int, int, const char*, void*) {}, 4000, nullptr, nullptr, 0);
  if (zh == nullptr) return {"no client"};
  if (auth) {
    const std::string credential = auth->user + ":" + auth->password;
    zoo_add_auth(zh, "digest", credential.data(), static_cast<int>(credential.size()), nullptr,
                 nullptr);
  }
  std::vector<std::string> entries;
  if (wait_until([&] { return zoo_state(zh) == ZOO_CONNECTED_STATE; }, kDeadline)) {
    ACL_vector acl{};
    Stat stat{};
    const int rc = zoo_get_acl(zh, path.c_str(), &acl, &stat);
    if (rc != ZOK) entries.push_back(std::string("error ") + zerror(rc));
    for (int32_t i = 0; rc == ZOK && i < acl.count; ++i) {
      entries.push_back(std::string(acl.data[i].id.scheme) + ":" + acl.data[i].id.id + ":" +
                        std::to_string(acl.data[i].perms));
    }
    deallocate_ACL_vector(&acl);
  } else {
    entries.push_back("not connected");
  }
  zookeeper_close(zh);
  std::sort(entries.begin(), entries.end());
  return entries;
}

// What every node an authenticated replica creates must carry.
std::vector<std::string> protected_acl() {
  return {"digest:" + digest_acl_id(kAuth) + ":" + std::to_string(ZOO_PERM_ALL),
          "world:anyone:" + std::to_string(ZOO_PERM_READ)};
}

class ZkAclTest : public testing::ZooKeeperSuite {
 protected:
  void SetUp() override {
    root = path_of_test();
    path = root + "/election";
  }

  Participant connect(const std::optional<ZkAuth>& auth, const std::string& address = "") {
    Participant made = testing::participant(address.empty() ? server->connect_string() : address,
                                            milliseconds(4000), path, auth);
    EXPECT_TRUE(made.session->wait_connected(kDeadline));
    return made;
  }

  std::unique_ptr<Term> lead(Participant& participant, const std::string& id) {
    return ZooKeeperContender(participant.group)
        .contend(CandidateInfo{id, "https://" + id, "", 0, "", ""}, {});
  }

  // Runs an unauthorized candidacy; it must end with ElectionAccessDenied well before the
  // deadline (no retry loop), with a message naming the path.
  void expect_denied(Participant& participant) {
    const auto started = std::chrono::steady_clock::now();
    try {
      lead(participant, "intruder");
      ADD_FAILURE() << "an unauthorized candidate got a term";
    } catch (const ElectionAccessDenied& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find(kAuth.password), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(3000));
  }

  std::string root;
  std::string path;
};

TEST_F(ZkAclTest, WhatAnAuthenticatedCandidateCreatesIsWritableOnlyWithTheCredential) {
  auto session = connect(kAuth);
  auto term = lead(session, "leader");
  ASSERT_TRUE(term);
  EXPECT_EQ(acl_of(server->connect_string(), root), protected_acl());
  EXPECT_EQ(acl_of(server->connect_string(), path), protected_acl());
  EXPECT_EQ(acl_of(server->connect_string(), term->node_path()), protected_acl());
  term->resign();
  EXPECT_EQ(session.session->exists(term->node_path(), nullptr), ZkError::NoNode);
}

TEST_F(ZkAclTest, WithoutTheCredentialAReplicaCanListButNotJoinOrDelete) {
  auto owner = connect(kAuth);
  auto term = lead(owner, "leader");
  ASSERT_TRUE(term);

  auto anonymous = connect(std::nullopt);
  auto wrong = connect(ZkAuth{kAuth.user, "not-the-password"});
  // Without ADMIN the server does not even show the digest.
  EXPECT_EQ(acl_of(server->connect_string(), path, std::nullopt),
            (std::vector<std::string>{"digest:" + kAuth.user + ":x:" + std::to_string(ZOO_PERM_ALL),
                                      "world:anyone:" + std::to_string(ZOO_PERM_READ)}));
  for (Participant* outsider : {&anonymous, &wrong}) {
    // READ stays open: operators, monitoring and every replica's leader view list candidates.
    const auto candidates = list_candidates(*outsider->session, path);
    ASSERT_EQ(candidates.size(), 1u);
    EXPECT_EQ(candidates[0].replica_id, "leader");

    auto& client = outsider->session;
    EXPECT_EQ(client->create(path + "/n_x-", "{}", CreateMode::EphemeralSequential, nullptr),
              ZkError::NoAuth);
    EXPECT_EQ(client->remove(term->node_path()), ZkError::NoAuth);
    EXPECT_EQ(client->remove(path), ZkError::NoAuth);
    expect_denied(*outsider);
    // The session itself is fine: the refusal was a clear error, not a broken connection.
    EXPECT_EQ(outsider->session->state(), SessionState::Connected);
  }
  EXPECT_EQ(owner.session->exists(term->node_path(), nullptr), ZkError::Ok);
  EXPECT_TRUE(term->acting());
}

TEST_F(ZkAclTest, AuthenticatedFollowerTakesOverWhenTheLeaderResigns) {
  auto first = connect(kAuth);
  auto second = connect(kAuth);
  auto term = lead(first, "first");
  ASSERT_TRUE(term);
  std::unique_ptr<Term> next;
  std::jthread follower([&] { next = lead(second, "second"); });
  ASSERT_TRUE(
      wait_until([&] { return list_candidates(*first.session, path).size() == 2; }, kDeadline));
  term->resign();
  follower.join();
  ASSERT_TRUE(next);
  EXPECT_GT(next->epoch(), term->epoch());
  EXPECT_EQ(acl_of(server->connect_string(), next->node_path()), protected_acl());
}

// The C client resends the credential on every reconnect: after a lost connection the same
// session still creates and deletes under the protected path.
TEST_F(ZkAclTest, TheCredentialSurvivesAReconnectAndANewSession) {
  TcpProxy proxy(server->port());
  auto participant = connect(kAuth, proxy.address());
  auto& session = participant.session;
  const long long id = session->session_id();
  proxy.cut();
  ASSERT_TRUE(wait_until([&] { return session->state() == SessionState::Suspended; }, kDeadline));
  proxy.restore();
  ASSERT_TRUE(session->wait_connected(kDeadline));
  ASSERT_EQ(session->session_id(), id) << "the session should have survived";
  auto term = lead(participant, "reconnected");
  ASSERT_TRUE(term);
  EXPECT_EQ(acl_of(server->connect_string(), term->node_path()), protected_acl());

  // Reconnect again while leading: resigning (a delete that needs the credential) still works.
  proxy.cut();
  ASSERT_TRUE(wait_until([&] { return session->state() == SessionState::Suspended; }, kDeadline));
  proxy.restore();
  ASSERT_TRUE(session->wait_connected(kDeadline));
  ASSERT_TRUE(term->acting());
  const std::string node = term->node_path();
  term->resign();
  EXPECT_EQ(session->exists(node, nullptr), ZkError::NoNode);

  // A replica whose session expired opens a new one, which authenticates again.
  ASSERT_TRUE(force_expiry(server->connect_string(), session->credentials()));
  ASSERT_TRUE(wait_until([&] { return session->state() == SessionState::Expired; }, kDeadline));
  auto renewed = connect(kAuth);
  auto again = lead(renewed, "renewed");
  ASSERT_TRUE(again);
  EXPECT_EQ(acl_of(server->connect_string(), again->node_path()), protected_acl());
}

// An election path made before --zk_auth_file was set (open to anyone) is restricted by the
// first authenticated candidate, so turning the credential on protects an existing cluster.
TEST_F(ZkAclTest, AnOpenElectionPathFromBeforeTheCredentialIsRestricted) {
  auto anonymous = connect(std::nullopt);
  auto& client = anonymous.session;
  ASSERT_EQ(client->create(root, "", CreateMode::Persistent, nullptr), ZkError::Ok);
  ASSERT_EQ(client->create(path, "", CreateMode::Persistent, nullptr), ZkError::Ok);
  ASSERT_EQ(acl_of(server->connect_string(), path),
            std::vector<std::string>{"world:anyone:" + std::to_string(ZOO_PERM_ALL)});

  auto owner = connect(kAuth);
  auto term = lead(owner, "leader");
  ASSERT_TRUE(term);
  EXPECT_EQ(acl_of(server->connect_string(), path), protected_acl());
  EXPECT_EQ(client->remove(term->node_path()), ZkError::NoAuth);
  expect_denied(anonymous);
}

}  // namespace
}  // namespace scale::cluster
