#pragma once

#include "db/connection.h"

namespace scale::db {

// Applies the numbered files of db/migrations/ (compiled into the binary) in order, each in its own
// transaction, under pg_advisory_lock so concurrent replicas are safe. Records each in
// schema_migrations; already-applied versions are skipped. Returns how many were applied now.
int migrate(Connection& conn);

}  // namespace scale::db
