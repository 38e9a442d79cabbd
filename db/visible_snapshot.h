#pragma once

#include <string>

#include "db/connection.h"

namespace scale::db {

// The set of transactions a statement sees, as PostgreSQL prints it (pg_current_snapshot(),
// "xmin:xmax:xip,..."). Two equal snapshots of one server see the same rows: a transaction that
// completes, committed or not, always changes the snapshot taken after it. It is what lets a
// replica keep a rendered page and know, with one trivial query, that it is still the answer.
std::string visible_snapshot(Connection& conn);

// The expression a query selects to return the snapshot its own rows were read in.
inline constexpr const char* kVisibleSnapshotColumn = "pg_current_snapshot()::text";

}  // namespace scale::db
