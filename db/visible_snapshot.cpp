#include "db/visible_snapshot.h"

#include "db/error.h"

namespace scale::db {

std::string visible_snapshot(Connection& conn) {
  Result row = conn.exec(std::string("SELECT ") + kVisibleSnapshotColumn);
  if (row.rows() != 1) throw Error("db: pg_current_snapshot() returned no row");
  return row.text(0, 0);
}

}  // namespace scale::db
