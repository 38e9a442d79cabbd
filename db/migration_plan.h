#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The pure half of migrations: which compiled-in files exist and in what order they apply.
namespace scale::db {

// One db/migrations/*.sql file as embedded at build time (see embed_migrations.cmake).
struct EmbeddedMigration {
  std::string_view file_name;  // "001_initial.sql"
  std::string_view sql;
};

struct Migration {
  int version = 0;   // 1 for "001_initial.sql"
  std::string name;  // "initial"
  std::string_view sql;
};

// The files compiled into this binary, in no particular order.
const std::vector<EmbeddedMigration>& embedded_migrations();

// "NNN_name.sql" (at least three digits, version >= 1, name of [a-z0-9_]) -> version and name.
std::optional<Migration> parse_migration_file_name(std::string_view file_name);

// Parses and orders the files by version. Throws Error on a malformed name or a repeated version:
// either would make replicas disagree about what a version means.
std::vector<Migration> plan_migrations(const std::vector<EmbeddedMigration>& files);

}  // namespace scale::db
