#pragma once

#include <optional>
#include <string>

#include "db/connection.h"

namespace scale::db {

struct StoredStatus {
  std::string document;  // JSON text of the status document
  long long epoch = 0;
  double age_seconds = 0;  // now() - updated_at, computed by the server
  std::string updated_at;  // ISO-8601 UTC
};

// Table `scheduler_status` (one row). Leader-owned: write() only inside Fence::run.
class StatusStore {
 public:
  // Upserts the document with the writer's epoch and NOTIFYs channel `scale_status`.
  static void write(Connection& conn, long long epoch, const std::string& document_json);
  static std::optional<StoredStatus> read(Connection& conn);
};

}  // namespace scale::db
