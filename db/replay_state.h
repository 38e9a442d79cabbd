#pragma once

#include "db/connection.h"

namespace scale::db {

// Where a database a replica reads from stands: the primary, or a hot standby replaying the
// primary's WAL (--db_read). What a standby serves is as old as its replay is behind.
struct ReplayState {
  bool standby = false;  // pg_is_in_recovery()
  // 0 on a primary, and on a standby that has replayed everything it received. Otherwise the time
  // since the last transaction it replayed committed on the primary: a standby whose replay stalls
  // (paused, or slower than the primary's writes) falls behind by the wall-clock time.
  double lag_seconds = 0;
};

ReplayState replay_state(Connection& conn);

}  // namespace scale::db
