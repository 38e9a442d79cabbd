#include "db/fence.h"

#include <glog/logging.h>

#include "db/term_history.h"

namespace scale::db {

namespace {

// Marks conn as inside a fenced transaction for exactly the lifetime of fn, even if fn throws.
class FenceScope {
 public:
  FenceScope(std::optional<long long>& slot, long long epoch) : slot_(slot) { slot_ = epoch; }
  ~FenceScope() { slot_.reset(); }
  FenceScope(const FenceScope&) = delete;
  FenceScope& operator=(const FenceScope&) = delete;

 private:
  std::optional<long long>& slot_;
};

}  // namespace

namespace {

// How long a promotion waits for fenced writes in flight before it ends them.
constexpr const char* kPromotionLockTimeout = "2s";

// Ends the sessions holding the fence row's lock for an older term (a leader frozen inside a
// fenced transaction, e.g. SIGSTOPped, would otherwise block the promotion until it resumed).
// Their transactions roll back, which the fence would have made them do anyway. Only sessions of
// the same role can be ended without privileges: that is the replicas' role.
void end_stale_fence_holders(Connection& conn, long long epoch) {
  Result ended = conn.exec(
      "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l"
      " WHERE l.locktype = 'relation' AND l.relation = 'leadership'::regclass AND l.granted"
      " AND l.pid <> pg_backend_pid()"
      " AND (SELECT epoch FROM leadership WHERE id = 1) < $1",
      {std::to_string(epoch)});
  LOG(WARNING) << "db: promotion to epoch " << epoch << " waited " << kPromotionLockTimeout
               << " for the fence; ended " << ended.integer(0, 0) << " stale session(s)";
}

}  // namespace

bool Fence::raise(Connection& conn, const LeaderRecord& me, long long& previous) {
  bool promoted = false;
  conn.transaction([&](Connection& c) {
    c.exec(std::string("SET LOCAL lock_timeout = '") + kPromotionLockTimeout + "'");
    c.exec(
        "INSERT INTO leadership (id, epoch, replica_id, api_url, elected_at) "
        "VALUES (1, 0, '', '', now()) ON CONFLICT (id) DO NOTHING");
    // FOR UPDATE waits for every fenced write in flight (they hold FOR SHARE) to finish, and makes
    // fenced writes that start now wait for this promotion, so each lands wholly in one term.
    previous = c.exec("SELECT epoch FROM leadership WHERE id = 1 FOR UPDATE").integer(0, 0);
    const std::string epoch = std::to_string(me.epoch);
    Result updated = c.exec(
        "UPDATE leadership SET epoch = $1, replica_id = $2, api_url = $3,"
        " elected_at = clock_timestamp() "
        "WHERE id = 1 AND epoch < $1",
        {epoch, me.replica_id, me.api_url});
    if (updated.affected() == 0) return;  // a newer (or the same) term already holds the fence
    // clock_timestamp(), not now(): taken after FOR UPDATE, so every write of an older term
    // (stamped with its transaction's now()) is earlier. EpochAudit relies on that order.
    c.exec(
        "INSERT INTO leadership_term (epoch, replica_id, api_url, elected_at) "
        "VALUES ($1, $2, $3, clock_timestamp())",
        {epoch, me.replica_id, me.api_url});
    TermHistory::close_older(c, me.epoch);
    promoted = true;
  });
  return promoted;
}

bool Fence::promote(Connection& conn, const LeaderRecord& me) {
  bool promoted = false;
  long long previous = 0;
  for (int attempt = 0;; ++attempt) {
    try {
      promoted = raise(conn, me, previous);
      break;
    } catch (const Error& e) {
      if (e.sqlstate() != "55P03" || attempt >= 2) throw;  // 55P03: lock_timeout
      end_stale_fence_holders(conn, me.epoch);
    }
  }
  if (promoted) {
    LOG(INFO) << "db: fence raised to epoch " << me.epoch << " (was " << previous << ") for "
              << me.replica_id;
  } else {
    LOG(WARNING) << "db: fence not raised: stored epoch " << previous << " >= " << me.epoch;
  }
  return promoted;
}

void Fence::run(Connection& conn, long long epoch, const std::function<void(Connection&)>& fn) {
  if (conn.in_transaction()) {
    throw Error("db: Fence::run needs a connection with no transaction open");
  }
  conn.transaction([&](Connection& c) {
    // FOR SHARE (not FOR KEY SHARE): it must conflict with promote's FOR UPDATE of this row.
    Result row = c.exec("SELECT epoch FROM leadership WHERE id = 1 FOR SHARE");
    const long long stored = row.rows() == 0 ? 0 : row.integer(0, 0);
    if (stored != epoch) throw FencedOut(epoch, stored);  // transaction() rolls back
    FenceScope scope(c.fence_epoch_, epoch);
    fn(c);
  });
}

void Fence::join_or_run(Connection& conn, long long epoch,
                        const std::function<void(Connection&)>& fn) {
  if (conn.fence_epoch() == epoch) {
    fn(conn);
    return;
  }
  if (conn.in_transaction()) {
    throw Error("db: leader-owned write for epoch " + std::to_string(epoch) +
                " inside a transaction that is not fenced for that epoch");
  }
  run(conn, epoch, fn);
}

void Fence::warm(Connection& conn) {
  // A fresh server process loads a table's catalog entries on first use: tens of milliseconds
  // for the tables below on a busy machine, which would otherwise land inside the failover.
  static constexpr const char* kTables[] = {
      "leadership", "leadership_term",  "scheduler",   "framework",        "job", "job_exe",
      "node",       "scheduler_status", "task_update", "cluster_resources"};
  for (const char* table : kTables) conn.exec(std::string("SELECT * FROM ") + table + " LIMIT 0");
  conn.exec("SELECT epoch FROM leadership WHERE id = 1");
}

std::optional<LeaderRecord> Fence::current(Connection& conn) {
  Result row = conn.exec(
      "SELECT epoch, replica_id, api_url, "
      "to_char(elected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
      "FROM leadership WHERE id = 1");
  if (row.rows() == 0 || row.integer(0, 0) == 0) return std::nullopt;
  return LeaderRecord{row.integer(0, 0), row.text(0, 1), row.text(0, 2), row.text(0, 3)};
}

}  // namespace scale::db
