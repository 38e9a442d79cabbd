#include "db/replay_state.h"

namespace scale::db {

ReplayState replay_state(Connection& conn) {
  // A standby that has replayed all it received is current: a synchronous standby receives every
  // commit before the primary acknowledges it, so nothing newer exists elsewhere.
  Result row = conn.exec(
      "SELECT pg_is_in_recovery(), "
      "CASE WHEN NOT pg_is_in_recovery() THEN 0 "
      "WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0 "
      "ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) "
      "END::float8");
  ReplayState state;
  state.standby = row.boolean(0, 0);
  state.lag_seconds = row.real(0, 1);
  if (state.lag_seconds < 0) state.lag_seconds = 0;  // the two hosts' clocks disagree a little
  return state;
}

}  // namespace scale::db
