#include "db/migration_plan.h"

#include <algorithm>
#include <charconv>

#include "db/error.h"

namespace scale::db {

std::optional<Migration> parse_migration_file_name(std::string_view file_name) {
  constexpr std::string_view kSuffix = ".sql";
  if (file_name.size() <= kSuffix.size() || !file_name.ends_with(kSuffix)) return std::nullopt;
  const std::string_view stem = file_name.substr(0, file_name.size() - kSuffix.size());
  const size_t underscore = stem.find('_');
  if (underscore == std::string_view::npos || underscore < 3) return std::nullopt;
  const std::string_view digits = stem.substr(0, underscore);
  const std::string_view name = stem.substr(underscore + 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return std::nullopt;
  }
  const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  });
  if (!name_ok) return std::nullopt;
  int version = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || version < 1) return std::nullopt;
  return Migration{version, std::string(name), {}};
}

std::vector<Migration> plan_migrations(const std::vector<EmbeddedMigration>& files) {
  std::vector<Migration> plan;
  plan.reserve(files.size());
  for (const EmbeddedMigration& file : files) {
    std::optional<Migration> m = parse_migration_file_name(file.file_name);
    if (!m) {
      throw Error("db: migration file name is not NNN_name.sql: " + std::string(file.file_name));
    }
    m->sql = file.sql;
    plan.push_back(std::move(*m));
  }
  std::sort(plan.begin(), plan.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < plan.size(); ++i) {
    if (plan[i].version == plan[i - 1].version) {
      throw Error("db: two migration files share version " + std::to_string(plan[i].version));
    }
  }
  return plan;
}

}  // namespace scale::db
