#include "db/fence.h"

#include <gtest/gtest.h>

#include <future>
#include <regex>

#include "db/framework_store.h"
#include "db/status_store.h"
#include "tests/integration/db/db_test_env.h"

namespace scale::db {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::migrated_database;
using testing::ready_within;

LeaderRecord replica(long long epoch) {
  return {epoch, "replica-" + std::to_string(epoch), "http://127.0.0.1:" + std::to_string(epoch),
          ""};
}

// True when backend `pid` is blocked waiting for a lock: proof that a statement is held back by
// the fence's row lock rather than merely slow.
bool waiting_on_lock(Connection& admin, int pid) {
  Result r = admin.exec("SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1",
                        {std::to_string(pid)});
  return r.rows() == 1 && r.text(0, 0) == "Lock";
}

void expect_fenced_out(const std::function<void()>& write, long long term, long long stored) {
  try {
    write();
    ADD_FAILURE() << "a write of epoch " << term << " was not fenced";
  } catch (const FencedOut& e) {
    EXPECT_EQ(e.term_epoch(), term);
    EXPECT_EQ(e.stored_epoch(), stored);
  }
}

TEST(Fence, NoLeaderBeforeTheFirstPromotion) {
  Connection conn(migrated_database());
  EXPECT_EQ(Fence::current(conn), std::nullopt);
  expect_fenced_out([&] { Fence::run(conn, 1, [](Connection&) {}); }, 1, 0);
}

// A follower warms its standby connection long before it leads: warming must change nothing and
// leave the connection ready for the promotion (no transaction open, fence untouched).
TEST(Fence, WarmIsReadOnlyAndLeavesTheConnectionReadyToPromote) {
  const std::string database = migrated_database();
  Connection conn(database);
  ASSERT_TRUE(Fence::promote(conn, replica(3)));
  Connection standby(database);
  Fence::warm(standby);
  EXPECT_FALSE(standby.in_transaction());
  ASSERT_TRUE(Fence::current(standby));
  EXPECT_EQ(Fence::current(standby)->epoch, 3);
  Fence::warm(standby);  // again, as after a term this replica did not win
  ASSERT_TRUE(Fence::promote(standby, replica(4)));
  EXPECT_EQ(Fence::current(conn)->epoch, 4);
  expect_fenced_out([&] { Fence::run(conn, 3, [](Connection&) {}); }, 3, 4);
}

TEST(Fence, PromoteRaisesTheEpochAndRecordsTheTerm) {
  Connection conn(migrated_database());
  ASSERT_TRUE(Fence::promote(conn, replica(5)));
  std::optional<LeaderRecord> leader = Fence::current(conn);
  ASSERT_TRUE(leader);
  EXPECT_EQ(leader->epoch, 5);
  EXPECT_EQ(leader->replica_id, "replica-5");
  EXPECT_EQ(leader->api_url, "http://127.0.0.1:5");
  EXPECT_TRUE(
      std::regex_match(leader->elected_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << leader->elected_at;

  ASSERT_TRUE(Fence::promote(conn, replica(7)));
  EXPECT_EQ(Fence::current(conn)->epoch, 7);
  Result terms = conn.exec("SELECT epoch, replica_id FROM leadership_term ORDER BY epoch");
  ASSERT_EQ(terms.rows(), 2);
  EXPECT_EQ(terms.integer(0, 0), 5);
  EXPECT_EQ(terms.text(1, 1), "replica-7");
}

TEST(Fence, PromoteNeverLowersTheEpoch) {
  Connection conn(migrated_database());
  ASSERT_TRUE(Fence::promote(conn, replica(7)));
  EXPECT_FALSE(Fence::promote(conn, replica(5)));
  EXPECT_FALSE(Fence::promote(conn, {7, "impostor", "http://impostor", ""}));
  EXPECT_EQ(Fence::current(conn)->epoch, 7);
  EXPECT_EQ(Fence::current(conn)->replica_id, "replica-7");
  EXPECT_EQ(conn.exec("SELECT count(*) FROM leadership_term").integer(0, 0), 1);
}

TEST(Fence, PromoteCreatesTheRowWhenMissing) {
  Connection conn(migrated_database());
  conn.exec("DELETE FROM leadership");
  ASSERT_TRUE(Fence::promote(conn, replica(3)));
  EXPECT_EQ(Fence::current(conn)->epoch, 3);
}

TEST(Fence, EveryWriteOfAnOldTermFailsAfterPromotion) {
  Connection conn(migrated_database());
  ASSERT_TRUE(Fence::promote(conn, replica(5)));
  StatusStore::write(conn, 5, R"({"term": 5})");
  ASSERT_TRUE(Fence::promote(conn, replica(7)));

  bool ran = false;
  expect_fenced_out([&] { Fence::run(conn, 5, [&](Connection&) { ran = true; }); }, 5, 7);
  EXPECT_FALSE(ran);
  expect_fenced_out([&] { StatusStore::write(conn, 5, R"({"term": 5, "late": true})"); }, 5, 7);
  expect_fenced_out([&] { FrameworkStore::set(conn, 5, {"fw-5", "master-5"}); }, 5, 7);
  // A newer epoch than stored is refused too: only the exact term may write.
  expect_fenced_out([&] { StatusStore::write(conn, 8, "{}"); }, 8, 7);

  EXPECT_FALSE(conn.in_transaction());
  EXPECT_EQ(StatusStore::read(conn)->document, R"({"term": 5})");
  EXPECT_EQ(FrameworkStore::get(conn), std::nullopt);
  StatusStore::write(conn, 7, R"({"term": 7})");
  EXPECT_EQ(StatusStore::read(conn)->epoch, 7);
}

// A term-5 fenced transaction that writes the status document, then holds the fence row until
// released (or `hold` passes), then writes the framework row and commits.
class HeldFencedWrite {
 public:
  HeldFencedWrite(Connection& conn, const std::string& document, const std::string& framework_id,
                  std::chrono::seconds hold) {
    result_ = std::async(std::launch::async, [&conn, document, framework_id, hold, this] {
      Fence::run(conn, 5, [&](Connection& c) {
        StatusStore::write(c, 5, document);
        first_statement_done_.set_value();
        released_.wait_for(hold);
        FrameworkStore::set(c, 5, {framework_id, "master-5"});
      });
    });
  }
  ~HeldFencedWrite() { release(); }
  bool started_within(std::chrono::seconds timeout) {
    return ready_within(first_statement_done_.get_future(), timeout);
  }
  void release() {
    if (!released_set_) release_.set_value();
    released_set_ = true;
  }
  std::future<void>& result() { return result_; }

 private:
  std::promise<void> first_statement_done_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  bool released_set_ = false;
  std::future<void> result_;
};

// The heart of fence 2: a write of term 5 already in flight when term 7 promotes. The promotion
// must wait for it, so it lands wholly before term 7 began; from then on term 5 cannot write.
TEST(Fence, InFlightWriteFinishesBeforePromotionThenTheOldTermIsFencedOut) {
  const std::string db = migrated_database();
  Connection old_leader(db);
  Connection new_leader(db);
  Connection admin(db);
  ASSERT_TRUE(Fence::promote(admin, replica(5)));

  HeldFencedWrite writer(old_leader, R"({"term": 5})", "fw-5", seconds(10));
  ASSERT_TRUE(writer.started_within(seconds(5)));

  const int promoter_pid = new_leader.backend_pid();
  auto promoter =
      std::async(std::launch::async, [&] { return Fence::promote(new_leader, replica(7)); });
  EXPECT_TRUE(
      scale::test::wait_until([&] { return waiting_on_lock(admin, promoter_pid); }, seconds(5)));
  EXPECT_FALSE(ready_within(promoter, milliseconds(0))) << "promotion did not wait";

  writer.release();
  ASSERT_TRUE(ready_within(writer.result(), seconds(5)));
  EXPECT_NO_THROW(writer.result().get());  // committed: it finished before term 7 began
  ASSERT_TRUE(ready_within(promoter, seconds(5)));
  EXPECT_TRUE(promoter.get());  // and the promotion still succeeded after it

  EXPECT_EQ(Fence::current(admin)->epoch, 7);
  EXPECT_EQ(StatusStore::read(admin)->epoch, 5);
  ASSERT_TRUE(FrameworkStore::get(admin));
  EXPECT_EQ(FrameworkStore::get(admin)->framework_id, "fw-5");

  expect_fenced_out([&] { Fence::run(old_leader, 5, [](Connection&) {}); }, 5, 7);
  expect_fenced_out([&] { StatusStore::write(old_leader, 5, R"({"late": 1})"); }, 5, 7);
  expect_fenced_out([&] { FrameworkStore::set(old_leader, 5, {"fw-late", "m"}); }, 5, 7);
  EXPECT_EQ(StatusStore::read(admin)->document, R"({"term": 5})");
  EXPECT_EQ(FrameworkStore::get(admin)->framework_id, "fw-5");
}

// A leader frozen inside a fenced transaction (SIGSTOP) must not hold up the next term: after a
// short wait the promotion ends the frozen session, whose write is then lost, never committed.
TEST(Fence, FrozenOldTermIsEndedAndThePromotionProceeds) {
  const std::string db = migrated_database();
  Connection old_leader(db);
  Connection new_leader(db);
  Connection admin(db);
  ASSERT_TRUE(Fence::promote(admin, replica(5)));

  HeldFencedWrite writer(old_leader, R"({"frozen": true})", "fw-frozen", seconds(20));
  ASSERT_TRUE(writer.started_within(seconds(5)));

  auto promoter =
      std::async(std::launch::async, [&] { return Fence::promote(new_leader, replica(7)); });
  ASSERT_TRUE(ready_within(promoter, seconds(8))) << "the frozen term blocked the promotion";
  EXPECT_TRUE(promoter.get());
  writer.release();
  ASSERT_TRUE(ready_within(writer.result(), seconds(5)));
  EXPECT_THROW(writer.result().get(), Error);  // its session was ended: nothing of it committed
  EXPECT_EQ(Fence::current(admin)->epoch, 7);
  EXPECT_FALSE(StatusStore::read(admin));
  EXPECT_FALSE(FrameworkStore::get(admin));
}

// The other interleaving: a term-5 write that starts while the promotion to 7 holds the row waits
// for it, then sees epoch 7 and is refused without running.
TEST(Fence, WriteStartedDuringPromotionWaitsAndIsFencedOut) {
  const std::string db = migrated_database();
  Connection old_leader(db);
  Connection new_leader(db);
  Connection admin(db);
  ASSERT_TRUE(Fence::promote(admin, replica(5)));

  new_leader.exec("BEGIN");
  new_leader.exec("SELECT epoch FROM leadership WHERE id = 1 FOR UPDATE");
  new_leader.exec("UPDATE leadership SET epoch = 7 WHERE id = 1");

  const int writer_pid = old_leader.backend_pid();
  std::atomic<bool> ran{false};
  auto writer = std::async(std::launch::async, [&]() -> long long {
    try {
      Fence::run(old_leader, 5, [&](Connection& c) {
        ran = true;
        StatusStore::write(c, 5, "{}");
      });
      return -1;
    } catch (const FencedOut& e) {
      return e.stored_epoch();
    }
  });
  EXPECT_TRUE(
      scale::test::wait_until([&] { return waiting_on_lock(admin, writer_pid); }, seconds(5)));
  new_leader.exec("COMMIT");
  ASSERT_TRUE(ready_within(writer, seconds(5)));
  EXPECT_EQ(writer.get(), 7);
  EXPECT_FALSE(ran.load());
  EXPECT_EQ(StatusStore::read(admin), std::nullopt);
}

TEST(Fence, FencedTransactionRollsBackOnError) {
  Connection conn(migrated_database());
  ASSERT_TRUE(Fence::promote(conn, replica(5)));
  EXPECT_THROW(Fence::run(conn, 5,
                          [](Connection& c) {
                            StatusStore::write(c, 5, R"({"half": true})");
                            throw std::runtime_error("boom");
                          }),
               std::runtime_error);
  EXPECT_EQ(StatusStore::read(conn), std::nullopt);
  EXPECT_EQ(conn.fence_epoch(), std::nullopt);
}

TEST(Fence, StoresJoinTheFencedTransactionButRefuseAnUnfencedOne) {
  Connection conn(migrated_database());
  ASSERT_TRUE(Fence::promote(conn, replica(5)));
  Fence::run(conn, 5, [](Connection& c) {
    EXPECT_EQ(c.fence_epoch(), 5);
    StatusStore::write(c, 5, R"({"a": 1})");
    FrameworkStore::set(c, 5, {"fw", "m"});
    EXPECT_THROW(StatusStore::write(c, 6, "{}"), Error);  // another epoch cannot join
  });
  EXPECT_EQ(StatusStore::read(conn)->document, R"({"a": 1})");

  conn.transaction([](Connection& c) {
    EXPECT_THROW(StatusStore::write(c, 5, "{}"), Error);  // open but unfenced
    EXPECT_THROW(Fence::run(c, 5, [](Connection&) {}), Error);
  });
  EXPECT_EQ(StatusStore::read(conn)->document, R"({"a": 1})");
}

}  // namespace
}  // namespace scale::db
