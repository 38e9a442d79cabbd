#include "db/framework_store.h"

#include "db/fence.h"

namespace scale::db {

std::optional<FrameworkRecord> FrameworkStore::get(Connection& conn) {
  Result row = conn.exec("SELECT framework_id, master FROM framework WHERE id = 1");
  if (row.rows() == 0) return std::nullopt;
  return FrameworkRecord{row.text(0, 0), row.text(0, 1)};
}

void FrameworkStore::set(Connection& conn, long long epoch, const FrameworkRecord& record) {
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    c.exec(
        "INSERT INTO framework (id, framework_id, master, epoch, updated_at)"
        " VALUES (1, $1, $2, $3, now())"
        " ON CONFLICT (id) DO UPDATE"
        " SET framework_id = EXCLUDED.framework_id, master = EXCLUDED.master,"
        " epoch = EXCLUDED.epoch, updated_at = EXCLUDED.updated_at",
        {record.framework_id, record.master, std::to_string(epoch)});
  });
}

}  // namespace scale::db
