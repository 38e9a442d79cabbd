#pragma once

#include <optional>
#include <string>

#include "db/connection.h"

namespace scale::db {

struct FrameworkRecord {
  std::string framework_id;
  std::string master;
};

// Table `framework` (one row). Leader-owned: set() only inside Fence::run.
class FrameworkStore {
 public:
  static std::optional<FrameworkRecord> get(Connection& conn);
  static void set(Connection& conn, long long epoch, const FrameworkRecord& record);
};

}  // namespace scale::db
