#pragma once

#include <functional>
#include <optional>
#include <string>

#include "db/connection.h"

namespace scale::db {

// The row of table `leadership` (id = 1): who holds the PostgreSQL fence.
struct LeaderRecord {
  long long epoch = 0;
  std::string replica_id;
  std::string api_url;
  std::string elected_at;  // ISO-8601 UTC
};

// Fence 2 of DESIGN.md section 2.
class Fence {
 public:
  // In one transaction: lock the row, raise the epoch to `me.epoch` only if it is higher than the
  // stored one, record the replica. True when this replica now holds the fence. A fenced write
  // of an older term that holds the row for more than 2 s (its process frozen mid-transaction)
  // has its session ended, so a zombie cannot hold up the new term.
  static bool promote(Connection& conn, const LeaderRecord& me);

  // Runs fn in a transaction that first reads the stored epoch FOR SHARE and throws FencedOut
  // (after rolling back) unless it equals `epoch`. Every leader-owned write goes through here.
  // Throws Error if conn already has a transaction open: the fence check must be the first thing
  // the transaction does, or rows read before it could be stale.
  static void run(Connection& conn, long long epoch, const std::function<void(Connection&)>& fn);

  // For stores of leader-owned tables: runs fn inside the Fence::run(epoch) transaction already
  // open on conn, or opens one. Throws Error when conn has an unfenced (or other-epoch) transaction
  // open, so a leader-owned write can never slip past the fence.
  static void join_or_run(Connection& conn, long long epoch,
                          const std::function<void(Connection&)>& fn);

  static std::optional<LeaderRecord> current(Connection& conn);

  // Readies a connection opened ahead of a promotion (a follower keeps one): reads the fence row
  // and every table the promotion reads, so the server process has its catalog caches loaded and
  // the promotion's first statements do not pay for that. Read-only; leaves no transaction open.
  static void warm(Connection& conn);

 private:
  static bool raise(Connection& conn, const LeaderRecord& me, long long& previous);
};

}  // namespace scale::db
