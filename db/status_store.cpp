#include "db/status_store.h"

#include "db/fence.h"

namespace scale::db {

void StatusStore::write(Connection& conn, long long epoch, const std::string& document_json) {
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    // The NOTIFY payload is the writer's epoch so a follower can drop a document from an old term.
    c.exec(
        "WITH written AS ("
        " INSERT INTO scheduler_status (id, status, epoch, updated_at)"
        " VALUES (1, $1::json, $2, now())"
        " ON CONFLICT (id) DO UPDATE"
        " SET status = EXCLUDED.status, epoch = EXCLUDED.epoch, updated_at = EXCLUDED.updated_at"
        " RETURNING epoch) "
        "SELECT pg_notify('scale_status', epoch::text) FROM written",
        {document_json, std::to_string(epoch)});
  });
}

std::optional<StoredStatus> StatusStore::read(Connection& conn) {
  // The age comes from the server's clock, the same clock that stamped updated_at, so replica
  // clock skew cannot make a stale document look fresh.
  Result row = conn.exec(
      "SELECT status::text, epoch, extract(epoch FROM now() - updated_at)::float8, "
      "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
      "FROM scheduler_status WHERE id = 1");
  if (row.rows() == 0) return std::nullopt;
  StoredStatus status;
  status.document = row.text(0, 0);
  status.epoch = row.integer(0, 1);
  status.age_seconds = row.real(0, 2);
  status.updated_at = row.text(0, 3);
  return status;
}

}  // namespace scale::db
